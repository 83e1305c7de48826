import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../decode/tcp.js';
import { seqDiff } from '../state/seq.js';
import type { Step } from '../state/timeline.js';
import type { ConnectionReport } from '../diagnosis/report.js';
import { formatEndpoint } from '../track/report.js';
import { cut, displayWidth, largest, wrap } from './text.js';
import type { LadderSegment } from './segment-window.js';


/** A state column is at least this wide: the longest state and its inferred mark (SYN-RECEIVED*). */
const STATE_MIN = 13;
/** At most, when a change has several steps: the rest wraps. */
const STATE_MAX = 24;
/** Unconstrained, arrows are at least this long, so that short and long ones line up. */
const ARROW_NATURAL = 46;
/** Dashes, spaces and the head around an arrow's label. */
const ARROW_FRAME = 6;

function flagNames(flags: number): string {
  const names: string[] = [];
  if (flags & TCP_SYN) names.push('SYN');
  if (flags & TCP_FIN) names.push('FIN');
  if (flags & TCP_RST) names.push('RST');
  if (flags & TCP_PSH) names.push('PSH');
  if (flags & TCP_ACK) names.push('ACK');
  return names.join(',');
}

/** The state changes a side made at `frame`, as "STATE" (inferred ones marked *). */
export function changesAt(steps: readonly Step[], frame: number): string {
  return steps
    .filter((s) => s.frame === frame)
    .map((s) => `${s.state}${s.inferred ? '*' : ''}`)
    .join(' → ');
}

/** A line of the ladder before it is laid out: a segment, a state change with no segment drawn, or a gap. */
export type Rung =
  | { kind: 'segment'; time: number; segment: LadderSegment }
  | { kind: 'change'; time: number; side: 'client' | 'server'; step: Step }
  | { kind: 'gap'; time: number; count: number; from: number | null; to: number | null };

/**
 * Who sent each segment, and its label: flags, seq and ack relative to each side's
 * first sequence number (as Wireshark's are), and length. The text ladder and the
 * HTML report's drawing label alike.
 */
export function segmentLabels(c: ConnectionReport, segments: readonly LadderSegment[]): { fromClient: (s: LadderSegment) => boolean; label: (s: LadderSegment) => string } {
  const fromClient = (s: LadderSegment): boolean => s.srcPort === c.client.port && s.srcIp === c.client.ip;
  const base = (client: boolean): number | null => {
    const isn = client ? c.sides.client.isn : c.sides.server.isn;
    if (isn !== null) return isn | 0;
    const first = segments.find((s) => fromClient(s) === client);
    return first === undefined ? null : (first.seq - 1) | 0;
  };
  const clientBase = base(true);
  const serverBase = base(false);
  const rel = (n: number, b: number | null): string => (b === null ? String(n >>> 0) : String(seqDiff(n, b) >>> 0));
  const label = (s: LadderSegment): string => {
    const out = fromClient(s);
    return `${flagNames(s.flags)} seq=${rel(s.seq, out ? clientBase : serverBase)}${s.flags & TCP_ACK ? ` ack=${rel(s.ack, out ? serverBase : clientBase)}` : ''} len=${s.len}`;
  };
  return { fromClient, label };
}

/**
 * The connection's story as a ladder: the client's column on the left, the server's on
 * the right, one arrow per segment drawn (flags, relative seq/ack, length, time since
 * the first packet), and each side's state changes beside the frame that caused them.
 * Relative numbers start from each side's first sequence number, as Wireshark's do.
 * `segments` may be a window of the connection's `total` (segment-window.ts): what
 * lies between is one line saying how much and which frames. Lines fit `width`
 * (null: as long as they are).
 */
export function renderLadder(c: ConnectionReport, segments: readonly LadderSegment[], total: number, width: number | null): string {
  const { fromClient, label } = segmentLabels(c, segments);
  const rungs = ladderRungs(c, segments, total);
  const t0 = c.start;
  const time = (t: number): string => `+${(t - t0).toFixed(6)}`;
  const frameOf = (r: Rung): string => (r.kind === 'segment' ? `#${r.segment.frame}` : r.kind === 'change' ? (r.step.frame === null ? '(timer)' : `#${r.step.frame}`) : '');
  const changeText = (r: Rung, side: 'client' | 'server'): string =>
    r.kind === 'segment' ? changesAt(c.timeline[side], r.segment.frame) : r.kind === 'change' && r.side === side ? `${r.step.state}${r.step.inferred || r.step.frame === null ? '*' : ''}` : '';

  // Column widths: what the text needs, then the arrow gives way to fit `width`.
  const T = largest(rungs.filter((r) => r.kind !== 'gap').map((r) => time(r.time).length));
  const F = largest(rungs.map((r) => frameOf(r).length), 7);
  const stateWidth = (side: 'client' | 'server'): number => Math.min(STATE_MAX, largest(rungs.map((r) => changeText(r, side).length), STATE_MIN));
  const longest = largest(segments.map((s) => label(s).length));
  const natural = Math.max(ARROW_NATURAL, longest + ARROW_FRAME);
  // Short of room, a side's several changes at one frame wrap before the arrows do.
  const roomy = width === null || T + F + 4 + stateWidth('client') + stateWidth('server') + natural <= width;
  const SC = roomy ? stateWidth('client') : STATE_MIN;
  const SS = roomy ? stateWidth('server') : STATE_MIN;
  const fixed = T + 1 + F + 1 + SC + 1 + 1 + SS;
  const A = width === null ? natural : Math.max(ARROW_FRAME + 8, Math.min(natural, width - fixed));
  const labelRoom = A - ARROW_FRAME;

  const lines: string[] = [];
  const row = (t: string, frame: string, left: string, middle: string, right: string): string =>
    `${t.padStart(T)} ${frame.padEnd(F)} ${left.padStart(SC)} ${pad(middle, A)} ${right}`.trimEnd();
  const left = `client ${formatEndpoint(c.client)}`;
  const right = `server ${formatEndpoint(c.server)}`;
  const heading = `${' '.repeat(T + F + 2)}${pad(left, SC + 1 + Math.floor(A / 2))}${right}`;
  if (width === null || displayWidth(heading) <= width) lines.push(heading);
  else lines.push(`${' '.repeat(T + F + 2)}${left}`, `${' '.repeat(T + F + 2)}${right}`);
  for (const r of rungs) {
    if (r.kind === 'gap') {
      const frames = r.from === null || r.to === null ? '' : r.from === r.to ? ` (frame ${r.from}; --frames ${r.from}-${r.to} shows it)` : ` (frames ${r.from}-${r.to}; --frames ${r.from}-${r.to} shows them)`;
      lines.push(...wrap(`${'⋮'.padStart(T)} ${r.count} segment${r.count === 1 ? '' : 's'} not shown${frames}`, width, ' '.repeat(T + 1)));
      continue;
    }
    const clientText = wrap(changeText(r, 'client'), SC);
    const serverText = wrap(changeText(r, 'server'), width === null ? null : Math.max(STATE_MIN, SS));
    let middle: string[];
    if (r.kind === 'segment') {
      const out = fromClient(r.segment);
      const words = wrap(label(r.segment), labelRoom);
      const body = ` ${words[0]} `;
      const dashes = Math.max(1, A - body.length - 3);
      middle = [out ? `──${body}${'─'.repeat(dashes)}▶` : `◀${'─'.repeat(dashes)}${body}──`, ...words.slice(1).map((w) => `   ${w}`)];
    } else {
      // A change no drawn segment shows: a timer (TIME-WAIT expiry, giving up) or a frame outside the window.
      middle = wrap(r.step.cause, A).map((w) => (r.side === 'client' ? w : w.padStart(A)));
    }
    const height = Math.max(clientText.length, serverText.length, middle.length);
    for (let i = 0; i < height; i++) {
      lines.push(row(i === 0 ? time(r.time) : '', i === 0 ? frameOf(r) : '', clientText[i] ?? '', middle[i] ?? '', serverText[i] ?? ''));
    }
  }
  return (width === null ? lines : lines.map((l) => cut(l, width))).join('\n');
}

const pad = (s: string, n: number): string => (displayWidth(s) >= n ? s : s + ' '.repeat(n - displayWidth(s)));

/**
 * The ladder's lines in time order: the segments drawn, each state change no drawn
 * segment caused, and a gap wherever segments were left out.
 */
export function ladderRungs(c: ConnectionReport, segments: readonly LadderSegment[], total: number): Rung[] {
  const drawn = new Set(segments.map((s) => s.frame));
  // A gap goes right after the segment before it (first, if none is): the changes made
  // in frames it leaves out then follow it, in time order, before the next segment.
  const rungs: Rung[] = [];
  let previous: LadderSegment | null = null;
  const gap = (count: number, to: number): void => {
    if (count > 0) rungs.push({ kind: 'gap', time: previous?.time ?? c.start, count, from: previous === null ? c.firstFrame : previous.frame + 1, to });
  };
  for (const s of segments) {
    gap(s.index - (previous === null ? 0 : previous.index + 1), s.frame - 1);
    rungs.push({ kind: 'segment', time: s.time, segment: s });
    previous = s;
  }
  gap(total - (previous === null ? 0 : previous.index + 1), c.lastFrame);
  for (const side of ['client', 'server'] as const) {
    for (const step of c.timeline[side]) if (step.frame === null || !drawn.has(step.frame)) rungs.push({ kind: 'change', time: step.time, side, step });
  }
  // Stable: at one time, a segment, then the gap after it, then the changes.
  return rungs.sort((a, b) => a.time - b.time);
}
