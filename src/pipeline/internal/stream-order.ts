/**
 * Where items wait for their turn: in memory, or (for output lines) partly on disk.
 * Streams are dense integers, each put at most once.
 */
export interface HeldItems<T> {
  put(stream: number, item: T): void;
  /** Removes and returns the item of `stream`, if held. */
  take(stream: number): T | undefined;
  /** The streams still held, ascending. */
  remaining(): number[];
  /** Frees what holding needed (a spill file), once nothing more is taken. */
  close(): void;
}

export class HeldInMemory<T> implements HeldItems<T> {
  private readonly items = new Map<number, T>();

  put(stream: number, item: T): void {
    this.items.set(stream, item);
  }

  take(stream: number): T | undefined {
    const item = this.items.get(stream);
    if (item !== undefined) this.items.delete(stream);
    return item;
  }

  remaining(): number[] {
    return [...this.items.keys()].sort((a, b) => a - b);
  }

  close(): void {}
}

/**
 * Connections finish in any order, but reports list them in the order of their first
 * packet (docs/output.md). Every numbered stream is reported exactly once, so an
 * item is held only until all earlier streams have been: the held set grows only while
 * an earlier connection is still open (a long-lived first connection holds the rest,
 * which is why waiting records may be held on disk; see SpilledRecords).
 */
export class StreamOrder<T> {
  private next = 0;

  constructor(private readonly held: HeldItems<T> = new HeldInMemory<T>()) {}

  add(stream: number, item: T): void {
    this.held.put(stream, item);
  }

  /** The items whose turn has come, in stream order; a consumer may stop between two. */
  *ready(): Generator<T> {
    for (let item = this.held.take(this.next); item !== undefined; item = this.held.take(this.next)) {
      this.next++;
      yield item;
    }
  }

  /** Once nothing more will be added: whatever is still held, in stream order (gaps are streams never reported). */
  *rest(): Generator<T> {
    yield* this.ready();
    for (const stream of this.held.remaining()) {
      const item = this.held.take(stream);
      if (item !== undefined) yield item;
    }
  }
}
