import type { ConnectionFilter, FilterCount } from '../filter.js';
import { matchesObserved, matchesVerdict } from '../filter.js';
import { connectionReport } from '../../diagnosis/report.js';
import type { TrackedConnection } from '../../track/report.js';
import type { Sink } from '../sink.js';
import type { DeliveryOrder } from '../run.js';
import type { PackedCodec } from './packed.js';
import { trackedCodec } from './packed-reports.js';
import { RecordsInOrder } from './records-in-order.js';
import type { PackedConnections } from './tracking-thread.js';

/** Packed connections held in memory before the temporary file: ~2,800 of them. */
const PACKED_IN_MEMORY = 1024 * 1024;

/**
 * The last stage of the pipeline for one file: tracked connections in, reports out to
 * the sink, diagnosed, filtered and in the order asked for. In stream order a
 * connection that finishes before an earlier one waits, and a long first connection
 * makes all of them wait: they wait packed (packed.ts, a tenth of a report's JSON),
 * through a temporary file beyond PACKED_IN_MEMORY, and are diagnosed on their turn.
 * In finish order each goes at once. Connections tracked on another thread arrive
 * packed already (tracking-thread.ts) and wait as they came.
 */
export class Delivery implements PackedConnections {
  private readonly packed: PackedCodec<TrackedConnection> = trackedCodec();
  /** Null in finish order: nothing waits. */
  private readonly waiting: RecordsInOrder | null;
  readonly count: FilterCount = { connections: 0, matched: 0 };

  constructor(
    private readonly file: string,
    private readonly filter: ConnectionFilter | undefined,
    order: DeliveryOrder,
    private readonly sink: Sink,
  ) {
    this.waiting = order === 'finish' ? null : new RecordsInOrder((record) => this.deliver(this.packed.unpack(record as Uint8Array)), sink, PACKED_IN_MEMORY);
  }

  add(c: TrackedConnection): void {
    if (this.waiting === null) this.deliver(c);
    else this.waiting.add(c.stream, this.packed.pack(c));
  }

  /** A connection packed on the tracking thread. */
  addPacked(stream: number, record: Uint8Array): void {
    if (this.waiting === null) this.deliver(this.packed.unpack(record));
    else this.waiting.add(stream, record);
  }

  /** The strings the tracking thread's records introduced, before those records. */
  learnStrings(strings: readonly string[]): void {
    this.packed.learnStrings(strings);
  }

  /** Between two reads: delivers what may go, waiting whenever the sink's output is full. */
  drain(): Promise<void> {
    return this.waiting === null ? this.sink.flush() : this.waiting.drain();
  }

  /** Why connections waited in memory instead of a temporary file, or null. */
  get problem(): string | null {
    return this.waiting?.problem ?? null;
  }

  /** The input is over or failed: delivers everything still held and frees the temporary file. */
  end(): Promise<void> {
    return this.waiting === null ? this.sink.flush() : this.waiting.end();
  }

  private deliver(c: TrackedConnection): void {
    this.count.connections++;
    const f = this.filter;
    if (f !== undefined && !matchesObserved(c, f)) return;
    const report = connectionReport(c);
    if (f !== undefined && !matchesVerdict(report, f)) return;
    this.count.matched++;
    this.sink.connection(report, this.file);
  }
}
