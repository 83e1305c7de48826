import type { ConnectionReport } from '../../../report/connection-report.js';
import { csvHeader, csvRow } from '../../../report/csv.js';
import { isProblem } from '../../../report/filter.js';
import { SummaryBuilder } from '../../../report/summary.js';
import { writeOut } from '../../fail.js';
import { LineWriter } from '../../line-writer.js';
import { Spool } from '../../spool.js';
import { TableRows } from './table.js';

/**
 * Where `analyze` puts its report in the table, CSV or JSON format: connections arrive
 * one at a time, each file's in stream order, and each format keeps only what it must
 * (the rows a table shows; rows or documents waiting for their turn go to a Spool), so
 * none holds every connection of a large capture.
 */
export interface ReportSink {
  /**
   * Takes a file's connections in any order (the table: it keeps the first streams and
   * a summary that does not depend on order), so none waits for an earlier one;
   * otherwise they must come in stream order.
   */
  readonly anyOrder: boolean;
  add(file: string, c: ConnectionReport): void;
  /** Between two reads of the input: lets written output drain. */
  flush(): Promise<void>;
  /** The file was read to its end: its part of the report can be written. */
  fileDone(file: string, warnings: string[]): Promise<void>;
  /** The file failed: what was kept of it is dropped. */
  fileFailed(): void;
  end(): Promise<void>;
}

export function reportSink(format: 'table' | 'csv' | 'json', sort: 'capture' | 'problems', limit: number, files: number): ReportSink {
  switch (format) {
    case 'table':
      return new TableSink(limit, sort);
    case 'csv':
      return new CsvSink(sort);
    case 'json':
      return new JsonSink(sort, files > 1);
  }
}

class TableSink implements ReportSink {
  readonly anyOrder = true;
  private rows: TableRows;
  private readonly done: [string, TableRows][] = [];

  constructor(
    private readonly limit: number,
    private readonly sort: 'capture' | 'problems',
  ) {
    this.rows = new TableRows(limit, sort);
  }

  add(_file: string, c: ConnectionReport): void {
    this.rows.add(c);
  }

  async flush(): Promise<void> {}

  async fileDone(file: string): Promise<void> {
    this.done.push([file, this.rows]);
    this.rows = new TableRows(this.limit, this.sort);
  }

  fileFailed(): void {
    this.rows = new TableRows(this.limit, this.sort);
  }

  async end(): Promise<void> {
    await writeOut(this.done.map(([file, rows]) => rows.render(file, this.done.length > 1)).join('\n'));
  }
}

/**
 * Problems first, then the rest, each in stream order: two spools per file when the
 * sort asks for it (connections arrive in stream order, so nothing needs sorting).
 */
class SortedSpools {
  private problems: Spool | null = null;
  private others: Spool | null = null;

  constructor(private readonly split: boolean) {}

  spoolFor(c: ConnectionReport): Spool {
    if (this.split && isProblem(c)) return (this.problems ??= new Spool());
    return (this.others ??= new Spool());
  }

  async flush(): Promise<void> {
    await this.problems?.out.flush();
    await this.others?.out.flush();
  }

  /** Copies problems then the rest to stdout; `skip` bytes of whatever comes first are left out. */
  async copyOut(skip: number): Promise<void> {
    for (const spool of [this.problems, this.others]) {
      if (spool === null || (await spool.bytes()) === 0) continue;
      await spool.copyTo(process.stdout, skip);
      skip = 0;
    }
    this.close();
  }

  close(): void {
    this.problems?.close();
    this.others?.close();
    this.problems = this.others = null;
  }
}

class CsvSink implements ReportSink {
  readonly anyOrder = false;
  private readonly out = new LineWriter();
  private readonly spools: SortedSpools | null;

  constructor(sort: 'capture' | 'problems') {
    this.out.push(csvHeader());
    this.spools = sort === 'problems' ? new SortedSpools(true) : null;
  }

  add(file: string, c: ConnectionReport): void {
    if (this.spools === null) this.out.push(csvRow(file, c));
    else this.spools.spoolFor(c).out.push(csvRow(file, c));
  }

  async flush(): Promise<void> {
    await this.out.flush();
    await this.spools?.flush();
  }

  async fileDone(): Promise<void> {
    await this.out.flush();
    await this.spools?.copyOut(0);
  }

  fileFailed(): void {
    this.spools?.close();
  }

  async end(): Promise<void> {
    await this.out.flush();
  }
}

/** Stands for the connections in the JSON skeleton that JSON.stringify formats. */
const PLACEHOLDER = '@@teardown connections@@';

/**
 * `--format json` (shared/spec/output.md): one document `{file, summary, connections,
 * warnings}`, or an array of them when several captures are given, formatted exactly as
 * JSON.stringify(value, null, 2) formats it. The summary comes before the connections
 * and is known only at the end of a file, so the connections wait in spools, each
 * already in its place's indentation; the rest of the document is JSON.stringify's own.
 */
class JsonSink implements ReportSink {
  readonly anyOrder = false;
  private readonly spools: SortedSpools;
  private summary = new SummaryBuilder();
  private written = 0;
  private readonly indent: string;

  constructor(
    sort: 'capture' | 'problems',
    private readonly nested: boolean,
  ) {
    this.spools = new SortedSpools(sort === 'problems');
    this.indent = nested ? '      ' : '    ';
  }

  add(_file: string, c: ConnectionReport): void {
    this.summary.add(c);
    // Every item begins with its separator; the first one's comma is skipped on output.
    this.spools.spoolFor(c).out.write(`,\n${this.indent}${JSON.stringify(c, null, 2).replaceAll('\n', `\n${this.indent}`)}`);
  }

  flush(): Promise<void> {
    return this.spools.flush();
  }

  async fileDone(file: string, warnings: string[]): Promise<void> {
    const summary = this.summary.summary();
    this.summary = new SummaryBuilder();
    const value = { file, summary, connections: summary.connections === 0 ? [] : [PLACEHOLDER], warnings };
    // Nested in the array, a document is indented by two more spaces: as an element.
    const text = this.nested ? JSON.stringify([value], null, 2).slice(2, -2) : JSON.stringify(value, null, 2);
    await writeOut(this.written === 0 ? (this.nested ? '[\n' : '') : ',\n');
    this.written++;
    if (summary.connections === 0) {
      await writeOut(text);
      this.spools.close();
      return;
    }
    const mark = text.indexOf(`"${PLACEHOLDER}"`);
    await writeOut(text.slice(0, text.lastIndexOf('\n', mark)));
    await this.spools.copyOut(1);
    await writeOut(text.slice(mark + PLACEHOLDER.length + 2));
  }

  fileFailed(): void {
    this.summary = new SummaryBuilder();
    this.spools.close();
  }

  async end(): Promise<void> {
    await writeOut(this.written === 0 ? '[]\n' : this.nested ? '\n]\n' : '\n');
  }
}
