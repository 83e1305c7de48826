import type { ConnectionReport } from '../../diagnosis/report.js';
import { formatEndpoint } from '../../track/report.js';
import { changesAt, ladderRungs, segmentLabels } from '../ladder.js';
import type { LadderSegment } from '../segment-window.js';
import { escapeMarkup } from '../markup.js';

const WIDTH = 860;
const ROW = 22;
const TOP = 44;
/** The two sides' time lines, and room for their states beside them. */
const CLIENT_X = 190;
const SERVER_X = WIDTH - 190;

/**
 * The connection's ladder as SVG, from the same rungs as `show`'s text ladder: client on
 * the left, server on the right, an arrow per segment drawn (flags, relative seq/ack,
 * length), each side's state changes beside the frame that caused them (inferred ones
 * marked *), gaps where segments were left out, and the evidence frames emphasised.
 * Its <title> says what it is; the page gives the text ladder beside it for those who
 * cannot see it (html.ts). The arrow head is the page's one marker (ARROW_HEAD_DEFS),
 * so that ids stay unique.
 */
export function ladderSvg(c: ConnectionReport, segments: readonly LadderSegment[], total: number, id: string): string {
  const { fromClient, label } = segmentLabels(c, segments);
  const rungs = ladderRungs(c, segments, total);
  const evidence = new Set(c.evidence);
  const height = TOP + rungs.length * ROW + 12;
  const t0 = c.start;
  const parts: string[] = [];
  const text = (x: number, y: number, s: string, cls: string, anchor = 'start') =>
    parts.push(`<text x="${x}" y="${y}" class="${cls}" text-anchor="${anchor}">${escapeMarkup(s)}</text>`);
  text(CLIENT_X, 16, `client ${formatEndpoint(c.client)}`, 'who', 'middle');
  text(SERVER_X, 16, `server ${formatEndpoint(c.server)}`, 'who', 'middle');
  parts.push(`<line x1="${CLIENT_X}" y1="24" x2="${CLIENT_X}" y2="${height - 6}" class="life"/>`);
  parts.push(`<line x1="${SERVER_X}" y1="24" x2="${SERVER_X}" y2="${height - 6}" class="life"/>`);
  rungs.forEach((r, i) => {
    const y = TOP + i * ROW;
    if (r.kind === 'gap') {
      text(WIDTH / 2, y, `⋮ ${r.count} segment${r.count === 1 ? '' : 's'} not drawn${r.from === null ? '' : ` (frames ${r.from}-${r.to})`}`, 'gap', 'middle');
      return;
    }
    text(4, y, `+${(r.time - t0).toFixed(6)}`, 'time');
    if (r.kind === 'change') {
      // As the text ladder marks it: inferred, or made by a timer (no frame), gets a *.
      const x = r.side === 'client' ? CLIENT_X - 8 : SERVER_X + 8;
      const at = r.step.frame === null ? 'timer' : `#${r.step.frame}`;
      text(x, y, `${r.step.state}${r.step.inferred || r.step.frame === null ? '*' : ''} (${at}: ${r.step.cause})`, 'state', r.side === 'client' ? 'end' : 'start');
      return;
    }
    const s = r.segment;
    const out = fromClient(s);
    const hot = evidence.has(s.frame);
    const [x1, x2] = out ? [CLIENT_X, SERVER_X] : [SERVER_X, CLIENT_X];
    parts.push(`<line x1="${x1}" y1="${y - 4}" x2="${x2}" y2="${y + 4}" class="arrow${hot ? ' evidence' : ''}" marker-end="url(#arrow-head)"/>`);
    text(WIDTH / 2, y - 6, `#${s.frame} ${label(s)}${hot ? ' (evidence)' : ''}`, hot ? 'label evidence' : 'label', 'middle');
    const left = changesAt(c.timeline.client, s.frame);
    const right = changesAt(c.timeline.server, s.frame);
    if (left !== '') text(CLIENT_X - 8, y + 4, left, 'state', 'end');
    if (right !== '') text(SERVER_X + 8, y + 4, right, 'state');
  });
  const title = `Ladder diagram of stream ${c.stream}: ${segments.length} of ${total} segments drawn between client ${formatEndpoint(c.client)} and server ${formatEndpoint(c.server)}; evidence frames ${c.evidence.join(', ') || 'none'}.`;
  return (
    `<svg class="ladder" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="${id}-title" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-title">${escapeMarkup(title)}</title>` +
    parts.join('') +
    `</svg>`
  );
}

/** Defined once per page, hidden: every ladder's arrows point with it. */
export const ARROW_HEAD_DEFS =
  '<svg width="0" height="0" aria-hidden="true" style="position:absolute"><defs><marker id="arrow-head" viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="head"/></marker></defs></svg>';
