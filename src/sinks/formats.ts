import type { ConnectionReport } from '../diagnosis/report.js';
import { isProblem } from '../pipeline/filter.js';
import { SummaryBuilder } from './summary.js';
import { LineWriter, Spool } from '../pipeline/output.js';
import type { FileEnd, Sink } from '../pipeline/sink.js';
import { csvHeader, csvRow } from './csv-row.js';
import { TableRows } from './table.js';
import type { TableLook } from './table-look.js';
import { writeOut } from './stdout.js';

/**
 * `analyze`'s table, CSV and JSON formats. Connections arrive in stream order, and each
 * format keeps only what it must: the rows a table shows; the text of rows or documents
 * that wait (for the problems to go first, or for the summary that heads a JSON
 * document) in a temporary file (Spool). None holds report objects, nor every
 * connection of a large capture.
 */
export function formatSink(format: 'table' | 'csv' | 'json', sort: 'capture' | 'problems', limit: number, files: number, look: TableLook): Sink {
  switch (format) {
    case 'table':
      return new TableSink(limit, sort, look);
    case 'csv':
      return new CsvSink(sort);
    case 'json':
      return new JsonSink(sort, files > 1);
  }
}

class TableSink implements Sink {
  readonly blocked = false;
  private rows: TableRows;
  private readonly done: [string, TableRows, number | null][] = [];

  constructor(
    private readonly limit: number,
    private readonly sort: 'capture' | 'problems',
    private readonly look: TableLook,
  ) {
    this.rows = new TableRows(limit, sort);
  }

  connection(c: ConnectionReport): void {
    this.rows.add(c);
  }

  async flush(): Promise<void> {}

  /** A damaged file's rows are dropped: its failure line says what happened. */
  async fileEnd(file: string, end: FileEnd): Promise<void> {
    if (end.failure === null) this.done.push([file, this.rows, end.firstPacket]);
    this.rows = new TableRows(this.limit, this.sort);
  }

  async end(): Promise<void> {
    await writeOut(this.done.map(([file, rows, firstPacket]) => rows.render(file, this.done.length > 1, this.look, firstPacket)).join('\n'));
  }
}

/**
 * Problems first, then the rest, each in stream order: two spools per file when the
 * sort asks for it, fed in stream order (so nothing to sort).
 */
class SortedSpools {
  private problems: Spool | null = null;
  private others: Spool | null = null;

  constructor(private readonly split: boolean) {}

  /** Writes `c`'s text to the spool it goes to. */
  write(c: ConnectionReport, text: string): void {
    const spool = this.split && isProblem(c) ? (this.problems ??= new Spool()) : (this.others ??= new Spool());
    spool.out.write(text);
  }

  async flush(): Promise<void> {
    await this.problems?.out.flush();
    await this.others?.out.flush();
  }

  /** Why rows waited in memory, not in a temporary file (see openUnlinked), or null. */
  problem(): string | null {
    return this.problems?.problem ?? this.others?.problem ?? null;
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

class CsvSink implements Sink {
  private readonly out = new LineWriter();
  /** Problems first: rows wait in two spools per file. */
  private readonly spools: SortedSpools | null;

  constructor(sort: 'capture' | 'problems') {
    this.out.push(csvHeader());
    this.spools = sort === 'problems' ? new SortedSpools(true) : null;
  }

  connection(c: ConnectionReport, file: string): void {
    // Each row is a line: its newline is written with it, into the spool or to stdout.
    const row = `${csvRow(file, c)}\n`;
    if (this.spools === null) this.out.write(row);
    else this.spools.write(c, row);
  }

  /** Spools take every write at once; stdout may be full. */
  get blocked(): boolean {
    return this.spools === null && this.out.blocked;
  }

  flush(): Promise<void> {
    return this.spools === null ? this.out.flush() : this.spools.flush();
  }

  /** A damaged file's rows went out in capture order as they came; problems-first spools are dropped. */
  async fileEnd(_file: string, end: FileEnd): Promise<void> {
    const problem = this.spools?.problem() ?? null;
    if (problem !== null) end.warnings.push(problem);
    await this.out.flush();
    if (end.failure === null) await this.spools?.copyOut(0);
    else this.spools?.close();
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
class JsonSink implements Sink {
  /** Spools take every write at once. */
  readonly blocked = false;
  private readonly spools: SortedSpools;
  private summary = new SummaryBuilder();
  private written = 0;
  /** Arrays around a connection that put it at its depth in the document (see add). */
  private readonly depth: number;

  constructor(
    sort: 'capture' | 'problems',
    private readonly nested: boolean,
  ) {
    this.spools = new SortedSpools(sort === 'problems');
    this.depth = nested ? 3 : 2;
  }

  connection(c: ConnectionReport): void {
    this.summary.add(c);
    // Every item begins with its separator; the first one's comma is skipped on output.
    // Wrapped in arrays as deep as it sits in the document, JSON.stringify indents it
    // there itself; the wrapping is cut off the ends (a slice, not a copy of 5 KB).
    let wrapped: unknown = c;
    for (let i = 0; i < this.depth; i++) wrapped = [wrapped];
    const text = JSON.stringify(wrapped, null, 2);
    // Depth d opens with "[\n", "  [\n", ... and closes with "\n  ]", "\n]": d² + d characters each.
    const cut = this.depth * this.depth + this.depth;
    this.spools.write(c, `,\n${text.slice(cut, text.length - cut)}`);
  }

  flush(): Promise<void> {
    return this.spools.flush();
  }

  /** A damaged file has no document: its failure line says what happened. */
  async fileEnd(file: string, end: FileEnd): Promise<void> {
    // Said on stderr, not in the document: the report is the same whether rows waited on disk or in memory.
    const problem = this.spools.problem();
    await this.document(file, end);
    if (problem !== null) end.warnings.push(problem);
  }

  private async document(file: string, { warnings, failure }: FileEnd): Promise<void> {
    if (failure !== null) {
      this.summary = new SummaryBuilder();
      this.spools.close();
      return;
    }
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

  async end(): Promise<void> {
    await writeOut(this.written === 0 ? '[]\n' : this.nested ? '\n]\n' : '\n');
  }
}
