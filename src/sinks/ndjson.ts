import type { Writable } from 'node:stream';
import type { ConnectionReport } from '../diagnosis/report.js';
import { copyFile, JsonBytes, LineWriter, writeReportJson } from '../pipeline/output.js';
import type { FileEnd, Sink } from '../pipeline/sink.js';

/**
 * `analyze --format ndjson` (docs/output.md): one line per connection, `file` first,
 * then the report exactly as JSON.stringify writes it. The line is written as bytes
 * into a reused buffer (report-json.ts) and the `file` key spliced in for the report's
 * opening brace, not copied into a new object or string.
 */
export class NdjsonSink implements Sink {
  private readonly json = new JsonBytes();
  private readonly out: LineWriter;
  private file: string | null = null;
  private prefix = '';

  constructor(private readonly target: Writable = process.stdout) {
    this.out = new LineWriter(target);
  }

  connection(report: ConnectionReport, file: string): void {
    if (file !== this.file) {
      this.file = file;
      this.prefix = `{"file":${JSON.stringify(file)},`;
    }
    this.json.clear();
    writeReportJson(this.json, report);
    this.out.push(this.json.bytes.subarray(1), this.prefix);
  }

  get blocked(): boolean {
    return this.out.blocked;
  }

  flush(): Promise<void> {
    return this.out.flush();
  }

  fileEnd(_file: string, _end: FileEnd): Promise<void> {
    return this.out.flush();
  }

  end(): Promise<void> {
    return this.out.flush();
  }

  /** A --jobs worker's lines are this sink's lines: copied out as they are, waiting whenever stdout is full. */
  async copyLines(fd: number, size: number): Promise<void> {
    await this.out.flush();
    await copyFile(fd, 0, size, this.target);
  }
}
