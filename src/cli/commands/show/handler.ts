import { decodeOptions, type DecodeArgs } from '../../decode-options.js';
import { trackerOptions, type TrackerArgs } from '../../tracker-options.js';
import type { ConnectionReport } from '../../../diagnosis/report.js';
import { run } from '../../../pipeline/run.js';
import { writeOut } from '../../../sinks/stdout.js';
import { OneConnection, showText } from '../../../sinks/show.js';
import { ladderSegment, SegmentWindow, type WindowChoice } from '../../../sinks/segment-window.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine } from '../../fail.js';
import { outputWidth } from '../../terminal.js';

export interface ShowArgs extends DecodeArgs, TrackerArgs {
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
      tracker: trackerOptions(args),
      decode: decodeOptions(args),
      filter: { streams: [args.stream] },
      onSegment: (rec, d, stream) => {
        if (stream === args.stream) window.add(ladderSegment(rec, d));
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
  await writeOut(showText(c, segments, total, outputWidth(), firstPacket));
  return EXIT_OK;
}
