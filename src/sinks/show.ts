import type { ConnectionReport } from '../diagnosis/report.js';
import { QuietSink, type FileEnd } from '../pipeline/sink.js';
import { formatEndpoint } from '../track/report.js';
import { renderLadder } from './ladder.js';
import type { LadderSegment } from './segment-window.js';
import { wrap } from './text.js';
import { utcTime } from './time.js';
import { tunnelText } from './tunnel-text.js';

/**
 * `show`'s text for one connection, `width` columns wide: who and when, the ladder of
 * both timelines over `segments` (of `total`), then the diagnosis in full.
 * `firstPacket` is the capture's first packet's time (null: unknown).
 */
export function showText(c: ConnectionReport, segments: readonly LadderSegment[], total: number, width: number | null, firstPacket: number | null): string {
  const para = (text: string, indent = ''): string => wrap(text, width, indent).join('\n');
  const since = firstPacket === null ? '' : ` (+${(c.start - firstPacket).toFixed(3)} s into the capture)`;
  const text = [
    para(`stream ${c.stream}: ${formatEndpoint(c.client)} → ${formatEndpoint(c.server)}${c.roleGuessed ? ' (roles guessed)' : ''}`, '  '),
    ...(c.tunnel.length === 0 ? [] : [para(`inside ${tunnelText(c.tunnel)}`, '  ')]),
    para(`started ${utcTime(c.start)} UTC${since}, lasted ${(c.end - c.start).toFixed(3)} s, ${total} segment${total === 1 ? '' : 's'}`, '  '),
    para(`ending: ${c.ending}${c.detail === null ? '' : ` (${c.detail})`}${c.closer === null ? '' : `, closed by ${c.closer === 'both' ? 'both sides' : `the ${c.closer}`}`}`, '  '),
    '',
    renderLadder(c, segments, total, width),
    para('  (* a change inferred from what the capture shows the other side sent)', '    '),
    '',
    para(c.explanation),
    '',
    'what the applications saw:',
    para(`  client: ${c.apps.client}`, '    '),
    para(`  server: ${c.apps.server}`, '    '),
    para(`evidence: frames ${c.evidence.join(', ')}`, '  '),
    para(`flags: ${c.flags.length === 0 ? '-' : c.flags.join(' ')}`, '  '),
    para(`Wireshark: ${c.filter}`, '  '),
    para(`Zeek: conn_state ${c.zeek.connState}, history ${c.zeek.history}`, '  '),
    para(`Community ID: ${c.communityId}`, '  '),
  ];
  return text.join('\n') + '\n';
}

/** The connection `show` draws (the filter lets only its stream through), and the file's end. */
export class OneConnection extends QuietSink {
  report: ConnectionReport | null = null;
  ended: FileEnd | null = null;

  connection(c: ConnectionReport): void {
    this.report = c;
  }

  override async fileEnd(_file: string, end: FileEnd): Promise<void> {
    this.ended = end;
  }
}
