import type { ConnectionReport } from '../diagnosis/report.js';
import { byStream } from '../diagnosis/report.js';
import { startHeading, startTime, timeFormat, type TimeFormat } from './time.js';
import { keepSmallest } from '../diagnosis/keep-smallest.js';
import { LineWriter } from '../pipeline/output.js';
import type { FileEnd, Sink } from '../pipeline/sink.js';
import { fitTable, type Column } from './fit-table.js';
import { writeOut } from './stdout.js';
import { endpoints, omittedLine, type TableLook } from './table-look.js';

/** `connections --format ndjson`: each connection's whole record on a line, as it finishes. */
export class ConnectionsNdjson implements Sink {
  private readonly out = new LineWriter();

  connection(c: ConnectionReport): void {
    this.out.push(JSON.stringify(c));
  }

  get blocked(): boolean {
    return this.out.blocked;
  }

  flush(): Promise<void> {
    return this.out.flush();
  }

  fileEnd(): Promise<void> {
    return this.out.flush();
  }

  end(): Promise<void> {
    return this.out.flush();
  }
}

/** `connections`' table: the first `limit` streams (they arrive in any order), in stream order. */
export class ConnectionsTable implements Sink {
  readonly blocked = false;
  private readonly kept: ConnectionReport[] = [];
  private seen = 0;

  constructor(
    private readonly limit: number,
    private readonly look: TableLook,
  ) {}

  connection(c: ConnectionReport): void {
    this.seen++;
    keepSmallest(this.kept, c, this.limit, byStream);
  }

  async flush(): Promise<void> {}

  /** Printed even for a damaged capture: the connections before the damage. */
  async fileEnd(_file: string, end: FileEnd): Promise<void> {
    await writeOut(renderTable(this.kept, this.seen - this.kept.length, this.look, end.firstPacket));
  }

  async end(): Promise<void> {}
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
