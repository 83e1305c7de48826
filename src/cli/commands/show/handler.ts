import { decodeOptions, type DecodeArgs } from '../../decode-options.js';
import { tunnelText } from '../../../sinks/tunnel-text.js';
import type { ConnectionReport } from '../../../diagnosis/report.js';
import { run } from '../../../pipeline/run.js';
import { QuietSink, type FileEnd } from '../../../pipeline/sink.js';
import { writeOut } from '../../../sinks/stdout.js';
import { renderLadder } from '../../../sinks/ladder.js';
import { SegmentWindow, type WindowChoice } from '../../../sinks/segment-window.js';
import { utcTime } from '../../../sinks/time.js';
import { formatEndpoint } from '../../../track/report.js';
import { formatAddress } from '../../../decode/address.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine } from '../../fail.js';
import { outputWidth } from '../../terminal.js';
import { wrap } from '../../../sinks/text.js';

export interface ShowArgs extends DecodeArgs {
  file: string;
  stream: number;
  /** --frames A-B, as parsed by the command. */
  frames?: { from: number; to: number };
  around?: number;
}

/** One connection's story: the ladder of both timelines, then the diagnosis in full. */
export async function showHandler(args: ShowArgs): Promise<number> {
  const choice: WindowChoice =
    args.frames !== undefined ? { kind: 'frames', ...args.frames } : args.around !== undefined ? { kind: 'around', frame: args.around } : { kind: 'story' };
  const window = new SegmentWindow(choice);
  const sink = new OneConnection();
  await run(
    [args.file],
    {
      order: 'finish',
      decode: decodeOptions(args),
      filter: { streams: [args.stream] },
      onSegment: (rec, d, stream) => {
        if (stream !== args.stream) return;
        const t = d.tcp;
        window.add({
          frame: rec.frame,
          time: rec.tsSec + rec.tsNsec / 1e9,
          srcIp: formatAddress(d.ip.version, d.ip.src),
          srcPort: t.srcPort,
          flags: t.flags,
          seq: t.seq,
          ack: t.ack,
          len: t.payloadLength,
          window: t.window,
          index: 0,
        });
      },
    },
    sink,
  );
  const { report, ended } = sink;
  if (ended!.failure !== null) {
    process.stderr.write(failureLine(args.file, ended!.failure) + '\n');
    return EXIT_BAD_INPUT;
  }
  const firstPacket = ended!.firstPacket;
  const c = report as ConnectionReport | null;
  if (c === null) {
    process.stderr.write(`teardown: ${args.file}: no stream ${args.stream} in the capture\n`);
    return EXIT_BAD_INPUT;
  }
  const { segments, total } = window.result();
  if (choice.kind !== 'story' && segments.length === 0) {
    const asked = choice.kind === 'frames' ? `frames ${choice.from}-${Number.isFinite(choice.to) ? choice.to : ''}` : `frame ${choice.frame}`;
    process.stderr.write(`teardown: ${args.file}: stream ${args.stream} has no segment in ${asked} (its frames are ${c.firstFrame}-${c.lastFrame})\n`);
    return EXIT_BAD_INPUT;
  }
  const width = outputWidth();
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
  await writeOut(text.join('\n') + '\n');
  return EXIT_OK;
}

/** The connection `show` draws (the filter lets only its stream through), and the file's end. */
class OneConnection extends QuietSink {
  report: ConnectionReport | null = null;
  ended: FileEnd | null = null;

  connection(c: ConnectionReport): void {
    this.report = c;
  }

  override async fileEnd(_file: string, end: FileEnd): Promise<void> {
    this.ended = end;
  }
}
