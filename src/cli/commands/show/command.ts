import type { CommandModule } from 'yargs';
import { showHandler, type ShowArgs } from './handler.js';
import { runHandler } from '../../run.js';
import { restoreStdin } from '../../stdin-arg.js';

export const showCommand: CommandModule<object, ShowArgs> = {
  command: 'show <file>',
  describe: "One connection's story: a ladder of both state timelines, then the diagnosis",
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, coerce: restoreStdin, describe: 'capture file, or - for standard input' })
      .option('stream', { type: 'number', demandOption: true, describe: "Wireshark's tcp.stream of the connection" })
      .check((a) => {
        if (!Number.isInteger(a.stream) || a.stream < 0) throw new Error('--stream takes a whole number');
        return true;
      }),
  handler: (args) => runHandler(showHandler, args),
};
