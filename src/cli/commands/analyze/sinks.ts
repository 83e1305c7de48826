import type { ConnectionReport } from '../../../report/connection-report.js';
import { csvHeader, csvRow } from '../../../report/csv.js';
import { isProblem } from '../../../report/filter.js';
import { SpilledLines } from '../../../report/spilled-lines.js';
import { StreamOrder } from '../../../report/stream-order.js';
import { SummaryBuilder } from '../../../report/summary.js';
import { writeOut } from '../../fail.js';
import { LineWriter } from '../../line-writer.js';
import { Spool } from '../../spool.js';
import { TableRows } from './table.js';

/**
 * Where `analyze` puts its report in the table, CSV or JSON format: connections arrive
 * one at a time as they finish (or, from --jobs workers, in stream order), and each
 * format keeps only what it must: the rows a table shows; the text of rows or documents
 * waiting for their turn, in a buffer then a temporary file (TextInOrder, Spool). None
 * holds report objects, nor every connection of a large capture.
 */
export interface ReportSink {
  add(file: string, c: ConnectionReport): void;
  /** A connection the filter left out: it still takes its turn in stream order. */
  skip(stream: number): void;
  /** Between two reads of the input: lets written output drain. */
  flush(): Promise<void>;
  /** The file was read to its end: its part of the report can be written. */
  fileDone(file: string, warnings: string[]): Promise<void>;
  /** The file failed: rows in capture order before the damage are printed, the rest dropped. */
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

  skip(): void {}

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
 * A file's formatted connections put back in stream order: they arrive as connections
 * finish, wait as text (SpilledLines: a 4 MB buffer, then a temporary file), and go to
 * `write` once every earlier stream has gone, a filtered-out one as an empty text. Text
 * rather than report objects, which a long first connection made wait by the tens of
 * thousands (as objects, 10,000 of them and the rest as JSON: 180 MB peak on the
 * benchmark's 1 GB capture).
 */
class TextInOrder {
  private held = new SpilledLines();
  private order = new StreamOrder<string | Uint8Array>(this.held);

  constructor(private readonly write: (text: string | Uint8Array) => void) {}

  add(stream: number, text: string): void {
    this.order.add(stream, text);
    for (const t of this.order.ready()) if (t.length > 0) this.write(t);
  }

  /** The file is over (or failed): what still waits, in stream order; then a fresh start. */
  end(): void {
    try {
      for (const t of this.order.rest()) if (t.length > 0) this.write(t);
    } finally {
      this.held.close();
      this.held = new SpilledLines();
      this.order = new StreamOrder(this.held);
    }
  }
}

/** The first character of a waiting text says where it goes (see SortedSpools.route). */
const PROBLEM = 'P';
const OTHER = 'O';
const PROBLEM_BYTE = PROBLEM.charCodeAt(0);

/**
 * Problems first, then the rest, each in stream order: two spools per file when the
 * sort asks for it, fed from TextInOrder (so in stream order, nothing to sort); each
 * text carries where it goes in its first character.
 */
class SortedSpools {
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
  private readonly rows: TextInOrder;

  constructor(sort: 'capture' | 'problems') {
    this.out.push(csvHeader());
    const spools = sort === 'problems' ? new SortedSpools(true) : null;
    this.spools = spools;
    // Each row is a line: its newline is written with it, into the spool or to stdout.
    this.rows = new TextInOrder(spools === null ? (row) => this.out.write(row) : (row) => spools.route(row));
  }

  add(file: string, c: ConnectionReport): void {
    const row = `${csvRow(file, c)}\n`;
    this.rows.add(c.stream, this.spools === null ? row : this.spools.tagged(c, row));
  }

  skip(stream: number): void {
    this.rows.add(stream, '');
  }

  async flush(): Promise<void> {
    await this.out.flush();
    await this.spools?.flush();
  }

  async fileDone(): Promise<void> {
    this.rows.end();
    await this.out.flush();
    await this.spools?.copyOut(0);
  }

  fileFailed(): void {
    // As before the damage, rows in capture order are printed; problems-first spools are dropped.
    this.rows.end();
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
  private readonly spools: SortedSpools;
  private readonly connections: TextInOrder;
  private summary = new SummaryBuilder();
  private written = 0;
  /** Arrays around a connection that put it at its depth in the document (see add). */
  private readonly depth: number;

  constructor(
    sort: 'capture' | 'problems',
    private readonly nested: boolean,
  ) {
    const spools = new SortedSpools(sort === 'problems');
    this.spools = spools;
    this.connections = new TextInOrder((text) => spools.route(text));
    this.depth = nested ? 3 : 2;
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
    return this.spools.flush();
  }

  async fileDone(file: string, warnings: string[]): Promise<void> {
    this.connections.end();
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
    this.connections.end();
    this.summary = new SummaryBuilder();
    this.spools.close();
  }

  async end(): Promise<void> {
    await writeOut(this.written === 0 ? '[]\n' : this.nested ? '\n]\n' : '\n');
  }
}
