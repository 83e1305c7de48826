import Table from 'cli-table3';
import { formatEndpoint } from '../../../track/report.js';
import { byStream, type ConnectionReport } from '../../../report/connection-report.js';
import { keepSmallest } from '../../../keep-smallest.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, writeOut } from '../../fail.js';
import { LineWriter } from '../../line-writer.js';
import { threadsFor, type ThreadsArgs } from '../../threads.js';
import { reportConnectionsOn } from '../../tracking-thread.js';
import { trackerOptions, type TrackerArgs } from '../../tracker-options.js';
import { omittedLine, type LimitArgs } from '../../table-limit.js';

export interface ConnectionsArgs extends TrackerArgs, LimitArgs, ThreadsArgs {
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
  let warnings: string[] = [];
  try {
    warnings = await reportConnectionsOn(threadsFor(args.file, args.threads), args.file, visit, { beforeRead: flush, tracker: trackerOptions(args) });
  } catch (err) {
    process.stderr.write(failureLine(args.file, err) + '\n');
    exitCode = EXIT_BAD_INPUT;
  }
  await flush();
  if (args.format === 'table') await writeOut(renderTable(collected, seen - collected.length));
  for (const n of warnings) process.stderr.write(`teardown: ${args.file}: warning: ${n}\n`);
  return exitCode;
}

/** `sorted`: in stream order; `omitted`: connections left out by --limit. */
function renderTable(sorted: ConnectionReport[], omitted: number): string {
  const t0 = sorted[0]?.start ?? 0;
  // Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org).
  const colour = process.env.NO_COLOR === undefined && process.stdout.isTTY === true;
  const table = new Table({
    head: ['stream', 'client → server', 'start', 'duration', 'packets c/s', 'ending', 'closer', 'client ends', 'server ends', 'flags'],
    style: { head: colour ? ['cyan'] : [], border: colour ? ['grey'] : [] },
  });
  for (const c of sorted) {
    table.push([
      c.stream,
      `${formatEndpoint(c.client)} → ${formatEndpoint(c.server)}${c.roleGuessed ? ' (roles guessed)' : ''}`,
      `+${(c.start - t0).toFixed(3)}s`,
      `${(c.end - c.start).toFixed(3)}s`,
      `${c.packets.client}/${c.packets.server}`,
      c.detail === null ? c.ending : `${c.ending} (${c.detail})`,
      c.closer ?? '',
      c.sides.client.finalState,
      c.sides.server.finalState,
      c.flags.join(' '),
    ]);
  }
  const total = sorted.length + omitted;
  return `${table.toString()}\n${omittedLine(omitted)}${total} connection${total === 1 ? '' : 's'}\n`;
}
