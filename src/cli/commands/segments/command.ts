import { withDecodeOptions } from '../../decode-options.js';
import type { CommandModule } from 'yargs';
import type { SegmentsArgs } from './handler.js';
import { lazyHandler } from '../../run.js';
import { restoreStdin } from '../../stdin-arg.js';

export const segmentsCommand: CommandModule<object, SegmentsArgs> = {
  command: 'segments <file>',
  describe: 'Print every TCP segment (and ICMP error quoting one) as Wireshark-comparable TSV',
  builder: (y) => withDecodeOptions(y).positional('file', { type: 'string', demandOption: true, coerce: restoreStdin, describe: 'capture file, or - for standard input' }),
  handler: lazyHandler(async () => (await import('./handler.js')).segmentsHandler),
};
