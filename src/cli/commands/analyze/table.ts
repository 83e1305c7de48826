import Table from 'cli-table3';
import { byStream, type ConnectionReport } from '../../../report/connection-report.js';
import { isProblem } from '../../../report/filter.js';
import { keepSmallest } from '../../../keep-smallest.js';
import { SummaryBuilder, type Summary } from '../../../report/summary.js';
import { formatEndpoint } from '../../../track/report.js';
import { omittedLine } from '../../table-limit.js';

/**
 * What `analyze`'s table shows of one capture: the summary of every connection, and
 * rows for at most `limit` of them (0: all), the first in capture order or the first
 * problems. Connections arrive one by one and only the rows shown are kept: a 1 GB
 * capture has tens of thousands of connections, and holding them all for a table that
 * shows a hundred took 730 MB (see table-limit.ts for the time).
 */
export class TableRows {
  private readonly summary = new SummaryBuilder();
  /** Rows kept, in stream order: problems apart when they come first. */
  private readonly problems: ConnectionReport[] = [];
  private readonly others: ConnectionReport[] = [];
  private firstStart = Infinity;
  private seen = 0;

  constructor(
    private readonly limit: number,
    private readonly sort: 'capture' | 'problems',
  ) {}

  /** The next connection, in any order (the rows kept are the first streams). */
  add(c: ConnectionReport): void {
    this.summary.add(c);
    this.firstStart = Math.min(this.firstStart, c.start);
    this.seen++;
    const list = this.sort === 'problems' && isProblem(c) ? this.problems : this.others;
    keepSmallest(list, c, this.limit, byStream);
  }

  /** The table, a line for what it leaves out, and the summary; headed by the file name when `labelled`. */
  render(file: string, labelled: boolean): string {
    const colour = process.env.NO_COLOR === undefined && process.stdout.isTTY === true;
    const table = new Table({
      head: ['stream', 'client → server', 'start', 'duration', 'ending', 'closer', 'packets c/s', 'explanation'],
      style: { head: colour ? ['cyan'] : [], border: colour ? ['grey'] : [] },
      colWidths: [null, null, null, null, null, null, null, 72] as unknown as number[],
      wordWrap: true,
    });
    const rows = [...this.problems, ...this.others].slice(0, this.limit === 0 ? undefined : this.limit);
    const omitted = this.seen - rows.length;
    for (const c of rows) {
      table.push([
        c.stream,
        `${formatEndpoint(c.client)} → ${formatEndpoint(c.server)}`,
        `+${(c.start - this.firstStart).toFixed(3)}s`,
        `${(c.end - c.start).toFixed(3)}s`,
        c.detail === null ? c.ending : `${c.ending} (${c.detail})`,
        c.closer ?? '',
        `${c.packets.client}/${c.packets.server}`,
        c.explanation.replace(/^\S+ -> \S+: /, ''),
      ]);
    }
    const heading = labelled ? `${file}\n` : '';
    const body = rows.length > 0 ? table.toString() + '\n' : '';
    return `${heading}${body}${omittedLine(omitted)}${renderSummary(this.summary.summary())}`;
  }
}

function renderSummary(s: Summary): string {
  const counts = Object.entries(s.byEnding).sort(([, a], [, b]) => b - a).map(([ending, n]) => `${n} ${ending}`).join(', ');
  const lines = [`${s.connections} connection${s.connections === 1 ? '' : 's'}${counts === '' ? '' : `: ${counts}`}`];
  if (s.topProblems.length > 0) {
    lines.push('top problems:');
    for (const p of s.topProblems) {
      lines.push(`  ${p.connections} × ${p.ending}${p.detail === null ? '' : ` (${p.detail})`} with ${p.server} (streams ${p.streams.join(', ')}${p.connections > p.streams.length ? ', ...' : ''})`);
    }
  }
  return lines.join('\n') + '\n';
}
