import type { Writable } from 'node:stream';
import { captureWarnings, reportConnections, type AnalyzeOptions } from '../../../analyze.js';
import type { ConnectionReport } from '../../../report/connection-report.js';
import { matches, type ConnectionFilter } from '../../../report/filter.js';
import { JsonBytes } from '../../../report/json-bytes.js';
import { writeReportJson } from '../../../report/report-json.js';
import { LinesInOrder } from '../../lines-in-order.js';
import { LineWriter } from '../../line-writer.js';

/**
 * `analyze --format ndjson` of one file: each report is serialised the moment its
 * connection is over (so the report object dies young, and what waits is its line),
 * then put back in stream order (LinesInOrder), or written at once in finish order.
 */
class NdjsonStream {
  /** Where each line is written before it is held or written (both copy it). */
  private readonly json = new JsonBytes();
  private readonly out: LineWriter;
  private readonly lines: LinesInOrder;
  /**
   * Each line is `file` first, then the report: the report's JSON with this in place
   * of its opening brace (spliced at output, not copied into a new object or string).
   */
  private readonly prefix: string;

  constructor(
    file: string,
    private readonly filter: ConnectionFilter | undefined,
    out: Writable,
    /** 'finish': each line goes out as its connection finishes, holding nothing back. */
    private readonly order: NdjsonOrder,
  ) {
    const writer = new LineWriter(out);
    this.out = writer;
    this.prefix = `{"file":${JSON.stringify(file)},`;
    this.lines = new LinesInOrder((line) => writer.push(typeof line === 'string' ? line.slice(1) : line.subarray(1), this.prefix), writer);
  }

  add(c: ConnectionReport): void {
    const kept = this.filter === undefined || matches(c, this.filter);
    if (kept) {
      this.json.clear();
      writeReportJson(this.json, c);
    }
    if (this.order === 'finish') {
      if (kept) this.out.push(this.json.bytes.subarray(1), this.prefix);
    } else this.lines.add(c.stream, kept ? this.json.bytes : '');
  }

  /** Writes what may go (in finish order everything went already), waiting whenever stdout is full. */
  drain(): Promise<void> {
    return this.lines.drain();
  }

  /** Writes everything still held (the capture is over or failed) and frees the spill file. */
  end(): Promise<void> {
    return this.lines.end();
  }
}

/**
 * Lines in the order of the connections' first packets (shared/spec/output.md), or in
 * the order they finish (`--sort finish`): for tools that sort for themselves, and for
 * a live capture on stdin, where a connection open from the start would otherwise hold
 * back every line until it ends.
 */
export type NdjsonOrder = 'capture' | 'finish';

/**
 * `analyze --format ndjson` of one file to `out` (stdout, or a worker's file): returns
 * the capture's warnings, or throws its CaptureError after writing every connection
 * seen before the damage.
 */
export async function writeNdjson(file: string, options: AnalyzeOptions, out: Writable, onProgress?: (bytesRead: number) => void, order: NdjsonOrder = 'capture'): Promise<string[]> {
  const lines = new NdjsonStream(file, options.filter, out, order);
  try {
    const result = await reportConnections(file, (c) => lines.add(c), { ...options, beforeRead: () => lines.drain(), onProgress });
    return captureWarnings(result);
  } finally {
    await lines.end();
  }
}
