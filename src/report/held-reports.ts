import type { ConnectionReport } from './connection-report.js';
import { reportCodec } from './packed-reports.js';
import { SpilledRecords } from './spilled-records.js';
import type { HeldItems } from './stream-order.js';

/** Reports kept as objects before the oldest are packed. */
const OBJECTS_IN_MEMORY = 10000;

/**
 * Reports waiting for their turn in stream order (see StreamOrder). A long first
 * connection makes every later report wait: as objects, the 72,000 of the benchmark's
 * mixed capture would take some 350 MB. The first OBJECTS_IN_MEMORY wait as they are
 * (most reports wait for no one and leave at once); beyond that they wait packed (see
 * packed.ts: the same object comes back, Infinity and -0 too, which JSON would not
 * give) in SpilledRecords (memory, then disk).
 */
export class HeldReports implements HeldItems<ConnectionReport> {
  private readonly objects = new Map<number, ConnectionReport>();
  private records: SpilledRecords | null = null;
  private readonly packed = reportCodec();

  put(stream: number, c: ConnectionReport): void {
    this.objects.set(stream, c);
    if (this.objects.size <= OBJECTS_IN_MEMORY) return;
    // The oldest entry (Map order is insertion order) is packed.
    const [oldest, report] = this.objects.entries().next().value as [number, ConnectionReport];
    this.objects.delete(oldest);
    (this.records ??= new SpilledRecords()).put(oldest, this.packed.pack(report));
  }

  take(stream: number): ConnectionReport | undefined {
    const c = this.objects.get(stream);
    if (c !== undefined) {
      this.objects.delete(stream);
      return c;
    }
    const packed = this.records?.take(stream);
    return packed === undefined ? undefined : this.packed.unpack(packed);
  }

  remaining(): number[] {
    return [...this.objects.keys(), ...(this.records?.remaining() ?? [])].sort((a, b) => a - b);
  }

  /** Frees the spill file, if one was needed. */
  close(): void {
    this.records?.close();
  }
}
