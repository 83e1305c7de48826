import { byStream, type ConnectionReport } from '../diagnosis/report.js';
import { isProblem } from '../pipeline/filter.js';
import { keepSmallest } from '../diagnosis/keep-smallest.js';
import { SummaryBuilder, type Summary } from './summary.js';
import { wrap } from './text.js';
import { fitTable, type Column } from './fit-table.js';
import { endpoints, omittedLine, type TableLook } from './table-look.js';
import { startHeading, startTime, timeFormat, type TimeFormat } from './time.js';

/**
 * What `analyze`'s table shows of one capture: the summary of every connection, and
 * rows for at most `limit` of them (0: all), the first in capture order or the first
 * problems. Connections arrive one by one and only the rows shown are kept: a large
 * capture has tens of thousands of connections, and a table shows a hundred.
 */
export class TableRows {
  private readonly summary = new SummaryBuilder();
  /** Rows kept, in stream order: problems apart when they come first. */
  private readonly problems: ConnectionReport[] = [];
  private readonly others: ConnectionReport[] = [];
  private seen = 0;

  constructor(
    private readonly limit: number,
    private readonly sort: 'capture' | 'problems',
  ) {}

  /** The next connection, in any order (the rows kept are the first streams). */
  add(c: ConnectionReport): void {
    this.summary.add(c);
    this.seen++;
    const list = this.sort === 'problems' && isProblem(c) ? this.problems : this.others;
    keepSmallest(list, c, this.limit, byStream);
  }

  /** The table, a line for what it leaves out, and the summary; headed by the file name when `labelled`. */
  render(file: string, labelled: boolean, look: TableLook, firstPacket: number | null): string {
    const rows = [...this.problems, ...this.others].slice(0, this.limit === 0 ? undefined : this.limit);
    const omitted = this.seen - rows.length;
    const cells = rows.map((c) => [
      String(c.stream),
      endpoints(c),
      startTime(c.start, look.time, firstPacket),
      `${(c.end - c.start).toFixed(3)}s`,
      c.detail === null ? c.ending : `${c.ending} (${c.detail})`,
      c.closer ?? '',
      `${c.packets.client}/${c.packets.server}`,
      c.explanation.replace(/^\S+ -> \S+: /, ''),
    ]);
    const heading = labelled ? `${file}\n` : '';
    const body = rows.length > 0 ? fitTable(COLUMNS(timeFormat(look.time, firstPacket)), cells, look.width, look.colour) + '\n' : '';
    return `${heading}${body}${omittedLine(omitted, look.width)}${renderSummary(this.summary.summary(), look.width)}`;
  }
}

/**
 * analyze's columns. At 80 columns the explanation goes under its row and the counts
 * go first: who talked to whom, when, and how it ended is what a row is read for; the
 * explanation says who closed, and `show` has the rest.
 */
const COLUMNS = (time: TimeFormat): Column[] => [
  { head: 'stream' },
  { head: 'client → server' },
  { head: startHeading(time), drop: 4 },
  { head: 'duration', drop: 2 },
  { head: 'ending' },
  { head: 'closer', drop: 3 },
  { head: 'packets c/s', drop: 1 },
  { head: 'explanation', under: { min: 40 } },
];

function renderSummary(s: Summary, width: number | null): string {
  const counts = Object.entries(s.byEnding).sort(([, a], [, b]) => b - a).map(([ending, n]) => `${n} ${ending}`).join(', ');
  const lines = wrap(`${s.connections} connection${s.connections === 1 ? '' : 's'}${counts === '' ? '' : `: ${counts}`}`, width, '  ');
  if (s.topProblems.length > 0) {
    lines.push('top problems:');
    for (const p of s.topProblems) {
      lines.push(...wrap(`  ${p.connections} × ${p.ending}${p.detail === null ? '' : ` (${p.detail})`} with ${p.server} (streams ${p.streams.join(', ')}${p.connections > p.streams.length ? ', ...' : ''})`, width, '      '));
    }
  }
  return lines.join('\n') + '\n';
}
