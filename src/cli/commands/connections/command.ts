import { withDecodeOptions } from '../../decode-options.js';
import type { CommandModule } from 'yargs';
import type { ConnectionsArgs } from './handler.js';
import { lazyHandler } from '../../run.js';
import { restoreStdin } from '../../stdin-arg.js';
import { withTrackerOptions } from '../../tracker-options.js';
import { withLimit } from '../../table-limit.js';
import { withThreads } from '../../threads.js';
import { withTime } from '../../table-look.js';

export const connectionsCommand: CommandModule<object, ConnectionsArgs> = {
  command: 'connections <file>',
  describe: "List TCP connections (Wireshark's tcp.stream numbers) with each side's final state",
  builder: (y) =>
    withDecodeOptions(withTime(withThreads(withLimit(withTrackerOptions(y)))))
      .positional('file', { type: 'string', demandOption: true, coerce: restoreStdin, describe: 'capture file, or - for standard input' })
      .option('format', { choices: ['table', 'ndjson'] as const, default: 'table' as const, describe: 'table, or one JSON object per connection with timelines' }),
  handler: lazyHandler(async () => (await import('./handler.js')).connectionsHandler),
};
