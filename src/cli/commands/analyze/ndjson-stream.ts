import type { Writable } from 'node:stream';
import { captureWarnings, reportConnections, type AnalyzeOptions } from '../../../analyze.js';
import type { ConnectionReport } from '../../../report/connection-report.js';
import { matches, type ConnectionFilter } from '../../../report/filter.js';
import { JsonBytes } from '../../../report/json-bytes.js';
import { writeReportJson } from '../../../report/report-json.js';
import { SpilledLines } from '../../../report/spilled-lines.js';
import { StreamOrder } from '../../../report/stream-order.js';
import { LineWriter } from '../../line-writer.js';

/**
 * `analyze --format ndjson` of one file: each report is serialised the moment its
 * connection is over (so the report object dies young, and what waits is its line)
 * and written in stream order, on disk while it waits long (SpilledLines), or at once
 * in finish order. Lines leave only in drain() and end(), which wait for stdout: the
 * reader calls drain() before each read, so output back-pressure pauses the reading.
 */
class NdjsonStream {
  private readonly held = new SpilledLines();
  private readonly inOrder = new StreamOrder<string | Uint8Array>(this.held);
  /** Where each line is written before it is held (SpilledLines copies it). */
  private readonly json = new JsonBytes();
  private readonly out: LineWriter;
  /**
   * Each line is `file` first, then the report: the report's JSON with this in place
   * of its opening brace (spliced at output, not copied into a new object or string).
   */
  private readonly prefix: string;

  constructor(
    file: string,
    private readonly filter: ConnectionFilter | undefined,
    out: Writable = process.stdout,
    /** 'finish': each line goes out as its connection finishes, holding nothing back. */
    private readonly order: NdjsonOrder = 'capture',
  ) {
    this.out = new LineWriter(out);
    this.prefix = `{"file":${JSON.stringify(file)},`;
  }

  add(c: ConnectionReport): void {
    // A filtered-out stream still takes its turn, as an empty line nobody sees.
    if (this.filter !== undefined && !matches(c, this.filter)) {
      if (this.order === 'capture') this.inOrder.add(c.stream, '');
      return;
    }
    this.json.clear();
    writeReportJson(this.json, c);
    if (this.order === 'finish') this.out.push(this.json.bytes.subarray(1), this.prefix);
    else this.inOrder.add(c.stream, this.json.bytes);
  }

  /** Writes the lines whose turn has come, waiting whenever stdout is full. */
  drain(): Promise<void> {
    return this.write(this.inOrder.ready());
  }

  /** Writes everything still held (the capture is over or failed) and frees the spill file. */
  async end(): Promise<void> {
    try {
      await this.write(this.inOrder.rest());
    } finally {
      this.held.close();
    }
  }

  private async write(lines: Iterable<string | Uint8Array>): Promise<void> {
    for (const line of lines) {
      if (line.length > 0) this.out.push(typeof line === 'string' ? line.slice(1) : line.subarray(1), this.prefix);
      if (this.out.blocked) await this.out.flush();
    }
    await this.out.flush();
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
