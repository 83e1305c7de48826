import type { CaptureOutcome } from '../../../analyze.js';
import type { ConnectionReport } from '../../../report/connection-report.js';
import { csvHeader, csvRow } from '../../../report/csv.js';
import { isProblem } from '../../../report/filter.js';
import { SummaryBuilder } from '../../../report/summary.js';
import { writeOut } from '../../fail.js';
import { RecordsInOrder, type Output } from '../../records-in-order.js';
import { LineWriter } from '../../line-writer.js';
import { Spool } from '../../spool.js';
import { TableRows } from './table.js';
import type { TableLook } from '../../table-look.js';

/**
 * Where `analyze` puts its report in the table, CSV or JSON format: connections arrive
 * one at a time as they finish (or, from --jobs workers, in stream order), and each
 * format keeps only what it must: the rows a table shows; the text of rows or documents
 * waiting for their turn, in a buffer then a temporary file (RecordsInOrder, Spool). None
 * holds report objects, nor every connection of a large capture.
 */
export interface ReportSink {
  add(file: string, c: ConnectionReport): void;
  /** A connection the filter left out: it still takes its turn in stream order. */
  skip(stream: number): void;
  /** Between two reads of the input: lets written output drain. */
  flush(): Promise<void>;
  /** The file was read to its end: its part of the report can be written. */
  fileDone(file: string, outcome: CaptureOutcome): Promise<void>;
  /** The file failed: rows in capture order before the damage are printed, the rest dropped. */
  fileFailed(): Promise<void>;
  end(): Promise<void>;
}

export function reportSink(format: 'table' | 'csv' | 'json', sort: 'capture' | 'problems', limit: number, files: number, look: TableLook): ReportSink {
  switch (format) {
    case 'table':
      return new TableSink(limit, sort, look);
    case 'csv':
      return new CsvSink(sort);
    case 'json':
      return new JsonSink(sort, files > 1);
  }
}

class TableSink implements ReportSink {
  private rows: TableRows;
  private readonly done: [string, TableRows, number | null][] = [];

  constructor(
    private readonly limit: number,
    private readonly sort: 'capture' | 'problems',
    private readonly look: TableLook,
  ) {
    this.rows = new TableRows(limit, sort);
  }

  add(_file: string, c: ConnectionReport): void {
    this.rows.add(c);
  }

  skip(): void {}

  async flush(): Promise<void> {}

  async fileDone(file: string, outcome: CaptureOutcome): Promise<void> {
    this.done.push([file, this.rows, outcome.firstPacket]);
    this.rows = new TableRows(this.limit, this.sort);
  }

  async fileFailed(): Promise<void> {
    this.rows = new TableRows(this.limit, this.sort);
  }

  async end(): Promise<void> {
    await writeOut(this.done.map(([file, rows, firstPacket]) => rows.render(file, this.done.length > 1, this.look, firstPacket)).join('\n'));
  }
}

/** The first character of a waiting text says where it goes (see SortedSpools.route). */
const PROBLEM = 'P';
const OTHER = 'O';
const PROBLEM_BYTE = PROBLEM.charCodeAt(0);

/**
 * Problems first, then the rest, each in stream order: two spools per file when the
 * sort asks for it, fed from RecordsInOrder (so in stream order, nothing to sort); each
 * text carries where it goes in its first character.
 */
class SortedSpools implements Output {
  private problems: Spool | null = null;
  private others: Spool | null = null;

  constructor(private readonly split: boolean) {}

  /** `text` tagged with where it goes (PROBLEM or OTHER first). */
  tagged(c: ConnectionReport, text: string): string {
    return (this.split && isProblem(c) ? PROBLEM : OTHER) + text;
  }

  /** Writes a tagged text, read back as text or bytes, to its spool. */
  route(text: string | Uint8Array): void {
    const problem = typeof text === 'string' ? text.charCodeAt(0) === PROBLEM_BYTE : text[0] === PROBLEM_BYTE;
    const spool = problem ? (this.problems ??= new Spool()) : (this.others ??= new Spool());
    spool.out.write(typeof text === 'string' ? text.slice(1) : text.subarray(1));
  }

  get blocked(): boolean {
    return false; // temporary files take every write at once
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
  private readonly out = new LineWriter();
  private readonly spools: SortedSpools | null;
  private rows: RecordsInOrder;

  constructor(sort: 'capture' | 'problems') {
    this.out.push(csvHeader());
    this.spools = sort === 'problems' ? new SortedSpools(true) : null;
    this.rows = this.newRows();
  }

  /** A file's rows in stream order, to stdout, or tagged to the problems-first spools. */
  private newRows(): RecordsInOrder {
    const spools = this.spools;
    // Each row is a line: its newline is written with it, into the spool or to stdout.
    return spools === null ? new RecordsInOrder((row) => this.out.write(row), this.out) : new RecordsInOrder((row) => spools.route(row), spools);
  }

  add(file: string, c: ConnectionReport): void {
    const row = `${csvRow(file, c)}\n`;
    this.rows.add(c.stream, this.spools === null ? row : this.spools.tagged(c, row));
  }

  skip(stream: number): void {
    this.rows.add(stream, '');
  }

  flush(): Promise<void> {
    return this.rows.drain();
  }

  async fileDone(): Promise<void> {
    await this.rows.end();
    this.rows = this.newRows();
    await this.out.flush();
    await this.spools?.copyOut(0);
  }

  async fileFailed(): Promise<void> {
    // As before the damage: rows in capture order are printed; problems-first spools are dropped.
    if (this.spools === null) await this.rows.end();
    else this.rows.close();
    this.rows = this.newRows();
    this.spools?.close();
  }

  async end(): Promise<void> {
    await this.out.flush();
  }
}

/** Stands for the connections in the JSON skeleton that JSON.stringify formats. */
const PLACEHOLDER = '@@teardown connections@@';

/**
 * `--format json` (docs/output.md): one document `{file, summary, connections,
 * warnings}`, or an array of them when several captures are given, formatted exactly as
 * JSON.stringify(value, null, 2) formats it. The summary comes before the connections
 * and is known only at the end of a file, so the connections wait in spools, each
 * already in its place's indentation; the rest of the document is JSON.stringify's own.
 */
class JsonSink implements ReportSink {
  private readonly spools: SortedSpools;
  private connections: RecordsInOrder;
  private summary = new SummaryBuilder();
  private written = 0;
  /** Arrays around a connection that put it at its depth in the document (see add). */
  private readonly depth: number;

  constructor(
    sort: 'capture' | 'problems',
    private readonly nested: boolean,
  ) {
    this.spools = new SortedSpools(sort === 'problems');
    this.connections = this.newConnections();
    this.depth = nested ? 3 : 2;
  }

  /** A file's connections in stream order, to the spools they wait in for the summary. */
  private newConnections(): RecordsInOrder {
    return new RecordsInOrder((text) => this.spools.route(text), this.spools);
  }

  add(_file: string, c: ConnectionReport): void {
    this.summary.add(c);
    // Every item begins with its separator; the first one's comma is skipped on output.
    // Wrapped in arrays as deep as it sits in the document, JSON.stringify indents it
    // there itself; the wrapping is cut off the ends (a slice, not a copy of 5 KB).
    let wrapped: unknown = c;
    for (let i = 0; i < this.depth; i++) wrapped = [wrapped];
    const text = JSON.stringify(wrapped, null, 2);
    // Depth d opens with "[\n", "  [\n", ... and closes with "\n  ]", "\n]": d² + d characters each.
    const cut = this.depth * this.depth + this.depth;
    this.connections.add(c.stream, this.spools.tagged(c, `,\n${text.slice(cut, text.length - cut)}`));
  }

  skip(stream: number): void {
    this.connections.add(stream, '');
  }

  flush(): Promise<void> {
    return this.connections.drain();
  }

  async fileDone(file: string, { warnings }: CaptureOutcome): Promise<void> {
    await this.connections.end();
    this.connections = this.newConnections();
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

  async fileFailed(): Promise<void> {
    this.connections.close();
    this.connections = this.newConnections();
    this.summary = new SummaryBuilder();
    this.spools.close();
  }

  async end(): Promise<void> {
    await writeOut(this.written === 0 ? '[]\n' : this.nested ? '\n]\n' : '\n');
  }
}
