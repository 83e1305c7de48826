import type { ConnectionReport } from './connection-report.js';
import { JsonBytes } from './json-bytes.js';
import { writeReportJson } from './report-json.js';
import { SpilledLines } from './spilled-lines.js';
import type { HeldItems } from './stream-order.js';

/** Reports kept as objects before the oldest are turned into JSON. */
const OBJECTS_IN_MEMORY = 10000;

/**
 * Reports waiting for their turn in stream order (see StreamOrder). A long first
 * connection makes every later report wait: as objects, the 72,000 of the benchmark's
 * mixed capture would take some 350 MB. The first OBJECTS_IN_MEMORY wait as they are
 * (most reports wait for no one and leave at once); beyond that they wait as JSON in
 * SpilledLines (memory, then disk) and are parsed back on their turn, which gives the
 * same object: key order and numbers survive JSON exactly.
 */
export class HeldReports implements HeldItems<ConnectionReport> {
  private readonly objects = new Map<number, ConnectionReport>();
  private lines: SpilledLines | null = null;
  private readonly json = new JsonBytes();

  put(stream: number, c: ConnectionReport): void {
    this.objects.set(stream, c);
    if (this.objects.size <= OBJECTS_IN_MEMORY) return;
    // The oldest entry (Map order is insertion order) goes to JSON.
    const [oldest, report] = this.objects.entries().next().value as [number, ConnectionReport];
    this.objects.delete(oldest);
    this.json.clear();
    writeReportJson(this.json, report);
    (this.lines ??= new SpilledLines()).put(oldest, this.json.bytes);
  }

  take(stream: number): ConnectionReport | undefined {
    const c = this.objects.get(stream);
    if (c !== undefined) {
      this.objects.delete(stream);
      return c;
    }
    const json = this.lines?.take(stream);
    return json === undefined ? undefined : (JSON.parse(Buffer.from(json.buffer, json.byteOffset, json.byteLength).toString()) as ConnectionReport);
  }

  remaining(): number[] {
    return [...this.objects.keys(), ...(this.lines?.remaining() ?? [])].sort((a, b) => a - b);
  }

  /** Frees the spill file, if one was needed. */
  close(): void {
    this.lines?.close();
  }
}
