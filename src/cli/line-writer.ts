import { once } from 'node:events';

/** Lines per write: big enough to amortise, small enough to never build a huge string. */
const BATCH = 256;

/**
 * Collects output lines and writes them in bounded batches. `push` may be called in a
 * synchronous burst, so it writes a full batch at once; stdout queues what the pipe
 * cannot take yet (pipe writes are asynchronous: measured, a 600 MB queue behind
 * `| wc -l`). `flush` writes the rest and waits until that queue drains, and callers
 * call it between reads and between batches of end-of-capture reports, which bounds
 * the queue to about one read's worth of reports.
 */
export class LineWriter {
  private lines: string[] = [];
  private full = false;

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= BATCH) this.writeBatch();
  }

  /** True when stdout has queued more than it can take: flush() before pushing more. */
  get blocked(): boolean {
    return this.full;
  }

  async flush(): Promise<void> {
    if (this.lines.length > 0) this.writeBatch();
    if (this.full) {
      await once(process.stdout, 'drain');
      this.full = false;
    }
  }

  private writeBatch(): void {
    const batch = this.lines;
    this.lines = [];
    if (!process.stdout.write(batch.join('\n') + '\n')) this.full = true;
  }
}
