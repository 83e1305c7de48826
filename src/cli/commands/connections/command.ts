import type { CommandModule } from 'yargs';
import { connectionsHandler, type ConnectionsArgs } from './handler.js';
import { runHandler } from '../../run.js';
import { restoreStdin } from '../../stdin-arg.js';
import { DEFAULT_TRACKER_OPTIONS } from '../../../track/tracker.js';

export const connectionsCommand: CommandModule<object, ConnectionsArgs> = {
  command: 'connections <file>',
  describe: "List TCP connections (Wireshark's tcp.stream numbers) with each side's final state",
  builder: (y) =>
    y
      .positional('file', { type: 'string', demandOption: true, coerce: restoreStdin, describe: 'capture file, or - for standard input' })
      .option('format', { choices: ['table', 'ndjson'] as const, default: 'table' as const, describe: 'table, or one JSON object per connection with timelines' })
      .option('idle-timeout', { type: 'number', default: DEFAULT_TRACKER_OPTIONS.idleSeconds, describe: 'report a connection after this many seconds without packets' })
      .option('max-connections', { type: 'number', default: DEFAULT_TRACKER_OPTIONS.maxConnections, describe: 'most connections tracked at once' })
      .check((a) => {
        if (!(a['idle-timeout'] > 0) || !Number.isInteger(a['max-connections']) || a['max-connections'] < 1) {
          throw new Error('--idle-timeout must be positive and --max-connections a whole number of at least 1');
        }
        return true;
      }),
  handler: (args) => runHandler(connectionsHandler, args),
};
