import type { Writable } from 'node:stream';
import { captureOutcome, type AnalyzeOptions, type CaptureOutcome } from '../../../analyze.js';
import { connectionReport } from '../../../report/connection-report.js';
import { matches, type ConnectionFilter, type FilterCount } from '../../../report/filter.js';
import { JsonBytes } from '../../../report/json-bytes.js';
import type { PackedCodec } from '../../../report/packed.js';
import { trackedCodec } from '../../../report/packed-reports.js';
import { writeReportJson } from '../../../report/report-json.js';
import type { TrackedConnection } from '../../../track/report.js';
import { trackCapture } from '../../../track/track-capture.js';
import { RecordsInOrder } from '../../records-in-order.js';
import { LineWriter } from '../../line-writer.js';
import { trackOnThread, type PackedConnections } from '../../tracking-thread.js';

/** Packed connections held in memory before the temporary file: ~2,800 of them (as many as 9 MB of lines). */
const PACKED_IN_MEMORY = 1024 * 1024;

/**
 * `analyze --format ndjson` of one file. In stream order a connection that finishes
 * before an earlier one waits, and a long first connection makes all of them wait:
 * they wait packed (packed.ts: ~370 bytes a connection where its line is 3.2 KB, and
 * what waits goes through a temporary file, which cost a fifth of the run on the
 * bench's mixed capture), and are diagnosed and written on their turn. In finish order
 * each is written at once.
 */
class NdjsonStream implements PackedConnections {
  /** Where each line is written before it goes out (LineWriter copies it). */
  private readonly json = new JsonBytes();
  private readonly out: LineWriter;
  private readonly waiting: RecordsInOrder;
  private readonly packed: PackedCodec<TrackedConnection> = trackedCodec();
  /**
   * Each line is `file` first, then the report: the report's JSON with this in place
   * of its opening brace (spliced at output, not copied into a new object or string).
   */
  private readonly prefix: string;
  readonly count: FilterCount = { connections: 0, matched: 0 };

  constructor(
    file: string,
    private readonly filter: ConnectionFilter | undefined,
    out: Writable,
    /** 'finish': each line goes out as its connection finishes, holding nothing back. */
    private readonly order: NdjsonOrder,
  ) {
    this.out = new LineWriter(out);
    this.prefix = `{"file":${JSON.stringify(file)},`;
    this.waiting = new RecordsInOrder((packed) => this.write(this.packed.unpack(packed as Uint8Array)), this.out, PACKED_IN_MEMORY);
  }

  add(c: TrackedConnection): void {
    if (this.order === 'finish') this.write(c);
    else this.waiting.add(c.stream, this.packed.pack(c));
  }

  /** A connection packed on the tracking thread (see tracking-thread.ts). */
  addPacked(stream: number, record: Uint8Array): void {
    if (this.order === 'finish') this.write(this.packed.unpack(record));
    else this.waiting.add(stream, record);
  }

  /** The strings the tracking thread's records introduced, before those records. */
  learnStrings(strings: readonly string[]): void {
    this.packed.learnStrings(strings);
  }

  /** Writes what may go (in finish order everything went already), waiting whenever stdout is full. */
  drain(): Promise<void> {
    return this.waiting.drain();
  }

  /** Writes everything still held (the capture is over or failed) and frees the spill file. */
  end(): Promise<void> {
    return this.waiting.end();
  }

  /** Diagnoses a connection and writes its line, if the filter keeps it. */
  private write(c: TrackedConnection): void {
    const report = connectionReport(c);
    this.count.connections++;
    if (this.filter !== undefined && !matches(report, this.filter)) return;
    this.count.matched++;
    this.json.clear();
    writeReportJson(this.json, report);
    this.out.push(this.json.bytes.subarray(1), this.prefix);
  }
}

/**
 * Lines in the order of the connections' first packets (docs/output.md), or in
 * the order they finish (`--sort finish`): for tools that sort for themselves, and for
 * a live capture on stdin, where a connection open from the start would otherwise hold
 * back every line until it ends.
 */
export type NdjsonOrder = 'capture' | 'finish';

/** How one file's NDJSON is written (see writeNdjson). */
export interface NdjsonRun {
  /** Stream order (the default) or as connections finish. */
  order?: NdjsonOrder;
  /** 2: tracked on a worker thread (a path, not standard input); 1 by default. */
  threads?: 1 | 2;
  onProgress?: (bytesRead: number) => void;
}

/**
 * `analyze --format ndjson` of one file to `out` (stdout, or a worker's file): returns
 * the capture's outcome and what the filter kept, or throws its CaptureError after writing every connection
 * seen before the damage. On two threads the file is tracked on a worker thread while
 * this one diagnoses and writes (tracking-thread.ts).
 */
export async function writeNdjson(file: string, options: AnalyzeOptions, out: Writable, run: NdjsonRun = {}): Promise<CaptureOutcome & { count: FilterCount }> {
  const { order = 'capture', threads = 1, onProgress } = run;
  const lines = new NdjsonStream(file, options.filter, out, order);
  let outcome: CaptureOutcome;
  try {
    outcome =
      threads === 2
        ? await trackOnThread(file, options.tracker, lines, onProgress)
        : captureOutcome(await trackCapture(file, (c) => lines.add(c), { tracker: options.tracker, read: { beforeRead: () => lines.drain(), onProgress } }));
  } finally {
    await lines.end();
  }
  // Counted as lines were written, so only now, after the last of them.
  return { ...outcome, count: lines.count };
}
