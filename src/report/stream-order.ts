/**
 * Connections finish in any order, but reports list them in the order of their first
 * packet (shared/spec/output.md). Every numbered stream is reported exactly once, so a
 * report is held only until all earlier streams have been: memory grows only while an
 * earlier connection is still open (a long-lived first connection holds the rest).
 */
export class StreamOrder<T extends { stream: number }> {
  private next = 0;
  private readonly held = new Map<number, T>();

  constructor(private readonly emit: (item: T) => void) {}

  add(item: T): void {
    if (item.stream !== this.next) {
      this.held.set(item.stream, item);
      return;
    }
    this.emit(item);
    this.next++;
    for (let held = this.held.get(this.next); held !== undefined; held = this.held.get(this.next)) {
      this.held.delete(this.next);
      this.emit(held);
      this.next++;
    }
  }

  /** Emits whatever is still held (streams the capture never reported), in order. */
  flush(): void {
    for (const stream of [...this.held.keys()].sort((a, b) => a - b)) this.emit(this.held.get(stream)!);
    this.held.clear();
  }
}
