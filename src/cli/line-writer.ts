import { writeOut } from './fail.js';

/** Lines per write: big enough to amortise, small enough to never build a huge string. */
const BATCH = 256;

/**
 * Collects output lines and writes them in bounded batches. `push` may be called from
 * a synchronous burst (a capture's end reports every connection still held at once):
 * a full batch is written at once. On Linux, writes to files and pipes are synchronous
 * (Node's process.stdout documentation), so a burst does not pile up in memory.
 * `flush` writes the rest and waits for drain (back-pressure between reads).
 */
export class LineWriter {
  private lines: string[] = [];

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length >= BATCH) {
      const batch = this.lines;
      this.lines = [];
      process.stdout.write(batch.join('\n') + '\n');
    }
  }

  async flush(): Promise<void> {
    if (this.lines.length === 0) return;
    const batch = this.lines;
    this.lines = [];
    await writeOut(batch.join('\n') + '\n');
  }
}
