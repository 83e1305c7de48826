import type { Writable } from 'node:stream';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ConnectionReport } from '../diagnosis/report.js';
import type { LineWriter } from '../pipeline/output.js';
import { WrittenSink } from './written.js';
import { PARQUET_COLUMNS, parquetSchema } from './parquet-columns.js';

/**
 * Rows per row group. A group is encoded and written out as soon as it is full, so a
 * capture of millions of connections never waits whole in memory; engines read and skip
 * a file by its groups, and groups much smaller than this make the file slow to scan.
 */
const ROW_GROUP = 10_000;

/**
 * `analyze --format parquet` (docs/output.md "Parquet"): one row per connection, every
 * file's rows in one Parquet file on stdout. The footer, which lists the row groups, is
 * written at the end: the file is readable only once the command has finished.
 */
export class ParquetSink extends WrittenSink {
  private readonly parquet: ParquetWriter;
  /** The group being filled: one array of values per column. */
  private readonly values: unknown[][] = PARQUET_COLUMNS.map(() => []);
  private rows = 0;

  constructor(target: Writable = process.stdout) {
    super(target);
    this.parquet = new ParquetWriter({ writer: new HandedOn(this.out), schema: parquetSchema(), createdBy: 'tcp-teardown' });
  }

  connection(report: ConnectionReport, file: string): void {
    for (let i = 0; i < PARQUET_COLUMNS.length; i++) this.values[i]!.push(PARQUET_COLUMNS[i]!.value(report, file));
    if (++this.rows === ROW_GROUP) this.writeGroup();
  }

  override async end(): Promise<void> {
    this.writeGroup();
    this.parquet.finish();
    await this.out.flush();
  }

  private writeGroup(): void {
    if (this.rows === 0) return;
    this.parquet.write({ columnData: PARQUET_COLUMNS.map((c, i) => ({ name: c.name, data: this.values[i]! })), rowGroupSize: this.rows });
    for (const v of this.values) v.length = 0;
    this.rows = 0;
  }
}

/**
 * The writer's bytes, handed to the output after each row group and after the footer
 * (ParquetWriter calls flush then), its buffer then reused: it holds at most one
 * encoded group.
 */
class HandedOn extends ByteWriter {
  constructor(private readonly out: LineWriter) {
    super();
  }

  flush(): void {
    this.out.write(this.getBytes());
    this.index = 0;
  }

  override finish(): void {
    this.flush();
  }
}
