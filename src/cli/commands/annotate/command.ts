import type { CommandModule } from 'yargs';
import { withDecodeOptions } from '../../decode-options.js';
import { lazyHandler } from '../../run.js';
import { restoreStdin } from '../../stdin-arg.js';
import { withTrackerOptions } from '../../tracker-options.js';
import type { AnnotateArgs } from './handler.js';

export const annotateCommand: CommandModule<object, AnnotateArgs> = {
  command: 'annotate <file>',
  describe: "Copy a capture as pcapng with each connection's verdict in packet comments, for Wireshark",
  builder: (y) =>
    withDecodeOptions(withTrackerOptions(y))
      .positional('file', { type: 'string', demandOption: true, coerce: restoreStdin, describe: 'capture file (pcap or pcapng, may be gzip or zstd), or - for standard input' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the annotated copy (pcapng), or - for standard output' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no warnings or summary on stderr (errors still)' })
      .check((a) => {
        // Checked before the capture is read: a terminal would show binary.
        if (a.output === '-' && process.stdout.isTTY) throw new Error('annotate writes pcapng: give -o FILE, or redirect standard output');
        return true;
      }),
  handler: lazyHandler(async () => (await import('./handler.js')).annotateHandler),
};
