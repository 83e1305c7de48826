import type { ConnectionReport } from '../diagnosis/report.js';
import { copyFile, JsonBytes, writeReportJson } from '../pipeline/output.js';
import { WrittenSink } from './written.js';

/**
 * `analyze --format ndjson` (docs/output.md): one line per connection, `file` first,
 * then the report exactly as JSON.stringify writes it. The line is written as bytes
 * into a reused buffer (report-json.ts) and the `file` key spliced in for the report's
 * opening brace, not copied into a new object or string.
 */
export class NdjsonSink extends WrittenSink {
  private readonly json = new JsonBytes();
  private file: string | null = null;
  private prefix = '';

  connection(report: ConnectionReport, file: string): void {
    if (file !== this.file) {
      this.file = file;
      this.prefix = `{"file":${JSON.stringify(file)},`;
    }
    this.json.clear();
    writeReportJson(this.json, report);
    this.out.push(this.json.bytes.subarray(1), this.prefix);
  }

  /** A --jobs worker's lines are this sink's lines: copied out as they are, waiting whenever stdout is full. */
  async copyLines(fd: number, size: number): Promise<void> {
    await this.out.flush();
    await copyFile(fd, 0, size, this.target);
  }
}
