import { SpilledRecords } from './spilled-records.js';
import { StreamOrder } from './stream-order.js';

/** Where records are written: it may be full (a pipe whose reader is slow) and can be waited for. */
export interface Output {
  readonly blocked: boolean;
  flush(): Promise<void>;
}

/**
 * A file's connections put back in stream order: their records (CSV or JSON text, or
 * NDJSON's packed connections) come as connections finish and wait as bytes
 * (SpilledRecords: a buffer, then a temporary file) until every earlier stream has
 * gone, a filtered-out one as an empty record. Records are written only in drain() and
 * end(), which wait whenever `output` is full: a long first connection makes every
 * record wait, and when it ends they would otherwise all go at once, out of the
 * temporary file and into the queue of a slow pipe. Callers call drain() between reads
 * of the input, so output back-pressure pauses the reading.
 */
export class RecordsInOrder {
  private readonly held: SpilledRecords;
  private readonly order: StreamOrder<string | Uint8Array>;

  constructor(
    /** Writes one record out (a view valid only during the call: copy what you keep). */
    private readonly write: (record: string | Uint8Array) => void,
    private readonly output: Output,
    /** Bytes held in memory before the temporary file (SpilledRecords' default if not given). */
    inMemory?: number,
  ) {
    this.held = new SpilledRecords(inMemory);
    this.order = new StreamOrder(this.held);
  }

  /** Why records waited in memory instead of a temporary file, or null. */
  get problem(): string | null {
    return this.held.problem;
  }

  /** The record of `stream`; '' for one left out, which still takes its turn. */
  add(stream: number, record: string | Uint8Array): void {
    this.order.add(stream, record);
  }

  /** Writes the records whose turn has come. */
  drain(): Promise<void> {
    return this.writeAll(this.order.ready());
  }

  /** The input is over (or failed): writes everything still held, and frees the temporary file. */
  async end(): Promise<void> {
    try {
      await this.writeAll(this.order.rest());
    } finally {
      this.close();
    }
  }

  /** Forgets what is held (output that is discarded) and frees the temporary file. */
  close(): void {
    this.held.close();
  }

  private async writeAll(records: Iterable<string | Uint8Array>): Promise<void> {
    const next = records[Symbol.iterator]();
    while (this.writeUntilFull(next)) await this.output.flush();
    await this.output.flush();
  }

  /**
   * Writes records until the output is full (true) or none is left (false). A plain
   * loop, not one in the async writeAll: V8 dropped that one's optimised code again and
   * again ("insufficient type feedback", most of a run's deoptimisations) and compiled
   * it anew each time, the diagnosis and JSON writer inlined.
   */
  private writeUntilFull(records: Iterator<string | Uint8Array>): boolean {
    for (let r = records.next(); r.done !== true; r = records.next()) {
      if (r.value.length > 0) this.write(r.value);
      if (this.output.blocked) return true;
    }
    return false;
  }
}
