import { decodeOptions, type DecodeArgs } from '../../decode-options.js';
import { run } from '../../../pipeline/run.js';
import { ConnectionsNdjson, ConnectionsTable } from '../../../sinks/connections.js';
import type { FileEnd, Sink } from '../../../pipeline/sink.js';
import type { ConnectionReport } from '../../../diagnosis/report.js';
import { EXIT_OK, sayFileEnd } from '../../fail.js';
import { threadsFor, type ThreadsArgs } from '../../threads.js';
import { trackerOptions, type TrackerArgs } from '../../tracker-options.js';
import type { LimitArgs } from '../../table-limit.js';
import { tableLook, type TimeArgs } from '../../table-look.js';

export interface ConnectionsArgs extends TrackerArgs, DecodeArgs, LimitArgs, ThreadsArgs, TimeArgs {
  file: string;
  format: 'table' | 'ndjson';
}

/**
 * Every TCP connection with its roles, packets and each side's final state. `ndjson`
 * streams one object per connection as each finishes (not in stream order), with the
 * full state timelines; `table` keeps the first `--limit` by stream number and prints
 * them in stream order.
 */
export async function connectionsHandler(args: ConnectionsArgs): Promise<number> {
  const format = args.format === 'ndjson' ? new ConnectionsNdjson() : new ConnectionsTable(args.limit, tableLook(args));
  let exitCode = EXIT_OK;
  const sink: Sink = {
    connection: (c: ConnectionReport) => format.connection(c),
    get blocked() {
      return format.blocked;
    },
    flush: () => format.flush(),
    fileEnd: async (file: string, end: FileEnd) => {
      await format.fileEnd(file, end);
      exitCode = sayFileEnd(file, end);
    },
    end: () => format.end(),
  };
  await run([args.file], { order: 'finish', tracker: trackerOptions(args), decode: decodeOptions(args), threads: (file) => threadsFor(file, args.threads) }, sink);
  return exitCode;
}
