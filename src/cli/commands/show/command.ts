import { withDecodeOptions } from '../../decode-options.js';
import { withTrackerOptions } from '../../tracker-options.js';
import type { CommandModule } from 'yargs';
import type { ShowArgs } from './handler.js';
import { lazyHandler } from '../../run.js';
import { restoreStdin } from '../../stdin-arg.js';

/** "A-B", "A-" or "-B" (frame numbers, from 1). */
function frameRange(text: string): { from: number; to: number } {
  const m = /^(\d*)-(\d*)$/.exec(String(text).trim());
  const from = m === null || m[1] === '' ? 1 : Number(m[1]);
  const to = m === null || m[2] === '' ? Infinity : Number(m[2]);
  if (m === null || (m[1] === '' && m[2] === '') || from < 1 || to < from) throw new Error(`--frames takes a range of frame numbers A-B, A- or -B (got "${text}")`);
  return { from, to };
}

export const showCommand: CommandModule<object, ShowArgs> = {
  command: 'show <file>',
  describe: "One connection's story: a ladder of both state timelines, then the diagnosis",
  builder: (y) =>
    withDecodeOptions(withTrackerOptions(y))
      .positional('file', { type: 'string', demandOption: true, coerce: restoreStdin, describe: 'capture file, or - for standard input' })
      .option('stream', { type: 'number', demandOption: true, describe: "Wireshark's tcp.stream of the connection" })
      .option('frames', {
        type: 'string',
        coerce: frameRange,
        describe: 'only the segments in frames A-B (A- and -B leave an end open); by default a long connection shows its handshake, every SYN/FIN/RST and its answer, and its last 40 segments',
      })
      .option('around', { type: 'number', describe: 'only the 20 segments each side of this frame' })
      .conflicts('frames', 'around')
      .check((a) => {
        if (!Number.isInteger(a.stream) || a.stream < 0) throw new Error('--stream takes a whole number');
        if (a.around !== undefined && (!Number.isInteger(a.around) || a.around < 1)) throw new Error('--around takes a frame number');
        return true;
      }),
  handler: lazyHandler(async () => (await import('./handler.js')).showHandler),
};
