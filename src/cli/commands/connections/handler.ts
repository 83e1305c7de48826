import type { CaptureOutcome } from '../../../analyze.js';
import { startHeading, startTime, timeFormat, type TimeFormat } from '../../../report/time.js';
import { fitTable, type Column } from '../../fit-table.js';
import { endpoints, tableLook, type TableLook, type TimeArgs } from '../../table-look.js';
import { byStream, type ConnectionReport } from '../../../report/connection-report.js';
import { keepSmallest } from '../../../keep-smallest.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, writeOut } from '../../fail.js';
import { LineWriter } from '../../line-writer.js';
import { threadsFor, type ThreadsArgs } from '../../threads.js';
import { reportConnectionsOn } from '../../tracking-thread.js';
import { trackerOptions, type TrackerArgs } from '../../tracker-options.js';
import { omittedLine, type LimitArgs } from '../../table-limit.js';

export interface ConnectionsArgs extends TrackerArgs, LimitArgs, ThreadsArgs, TimeArgs {
  file: string;
  format: 'table' | 'ndjson';
}

/**
 * Every TCP connection with its roles, packets and each side's final state. `ndjson`
 * streams one object per connection as each is reported (not in stream order), with
 * the full state timelines; `table` keeps the first `--limit` by stream number (they
 * arrive in the order they finish) and prints them in stream order.
 */
export async function connectionsHandler(args: ConnectionsArgs): Promise<number> {
  const collected: ConnectionReport[] = [];
  let seen = 0;
  const out = new LineWriter();
  const flush = (): Promise<void> => out.flush();
  const visit = (c: ConnectionReport): void => {
    if (args.format === 'ndjson') {
      out.push(JSON.stringify(c));
      return;
    }
    seen++;
    keepSmallest(collected, c, args.limit, byStream);
  };
  let exitCode = EXIT_OK;
  let outcome: CaptureOutcome = { warnings: [], firstPacket: null };
  try {
    outcome = await reportConnectionsOn(threadsFor(args.file, args.threads), args.file, visit, { beforeRead: flush, tracker: trackerOptions(args) });
  } catch (err) {
    process.stderr.write(failureLine(args.file, err) + '\n');
    exitCode = EXIT_BAD_INPUT;
  }
  await flush();
  if (args.format === 'table') await writeOut(renderTable(collected, seen - collected.length, tableLook(args), outcome.firstPacket));
  for (const n of outcome.warnings) process.stderr.write(`teardown: ${args.file}: warning: ${n}\n`);
  return exitCode;
}

/**
 * connections' columns. The final states say how each side ended; flags and counts
 * go first when the terminal is narrow.
 */
const COLUMNS = (time: TimeFormat): Column[] => [
  { head: 'stream' },
  { head: 'client → server' },
  { head: startHeading(time), drop: 4 },
  { head: 'duration', drop: 2 },
  { head: 'packets c/s', drop: 1 },
  { head: 'ending' },
  { head: 'closer', drop: 3 },
  { head: 'client ends' },
  { head: 'server ends' },
  { head: 'flags', drop: 0 },
];

/** `sorted`: in stream order; `omitted`: connections left out by --limit. */
function renderTable(sorted: ConnectionReport[], omitted: number, look: TableLook, firstPacket: number | null): string {
  const rows = sorted.map((c) => [
    String(c.stream),
    `${endpoints(c)}${c.roleGuessed ? ' (roles guessed)' : ''}`,
    startTime(c.start, look.time, firstPacket),
    `${(c.end - c.start).toFixed(3)}s`,
    `${c.packets.client}/${c.packets.server}`,
    c.detail === null ? c.ending : `${c.ending} (${c.detail})`,
    c.closer ?? '',
    c.sides.client.finalState,
    c.sides.server.finalState,
    c.flags.join(' '),
  ]);
  const total = sorted.length + omitted;
  const table = rows.length === 0 ? '' : `${fitTable(COLUMNS(timeFormat(look.time, firstPacket)), rows, look.width, look.colour)}\n`;
  return `${table}${omittedLine(omitted, look.width)}${total} connection${total === 1 ? '' : 's'}\n`;
}
