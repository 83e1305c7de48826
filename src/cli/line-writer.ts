import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { utf8LengthWithin } from '../report/spilled-lines.js';

/** Bytes per write: big enough to amortise the call, small enough to stay cache-friendly. */
const CHUNK = 256 * 1024;

/**
 * Collects output lines into byte chunks and writes each chunk when full. Each line is
 * encoded once, straight into the chunk: joining lines into one string and letting
 * stdout encode that copied every byte twice more (measured: a fifth of the time of
 * `analyze --format ndjson`). `push` may be called in a synchronous burst; stdout
 * queues what the pipe cannot take yet (pipe writes are asynchronous: measured, a
 * 600 MB queue behind `| wc -l`). `flush` writes the rest and waits until that queue
 * drains, and callers call it between reads and whenever `blocked`, which bounds the
 * queue to about one chunk.
 */
export class LineWriter {
  private chunk = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private full = false;

  constructor(private readonly out: Writable = process.stdout) {}

  /** One line, without its newline: text, or bytes already encoded as UTF-8. */
  push(line: string | Uint8Array): void {
    const room = this.chunk.length - this.used - 1;
    const bytes = typeof line === 'string' ? utf8LengthWithin(line, room) : line.length;
    if (bytes > room) {
      this.writeChunk();
      if (bytes + 1 > this.chunk.length) this.chunk = Buffer.allocUnsafe(bytes + 1);
    }
    if (typeof line === 'string') this.used += this.chunk.write(line, this.used);
    else {
      this.chunk.set(line, this.used);
      this.used += line.length;
    }
    this.chunk[this.used++] = 0x0a;
  }

  /** True when the output has queued more than it can take: flush() before pushing more. */
  get blocked(): boolean {
    return this.full;
  }

  async flush(): Promise<void> {
    this.writeChunk();
    if (this.full) {
      await once(this.out, 'drain');
      this.full = false;
    }
  }

  private writeChunk(): void {
    if (this.used === 0) return;
    // stdout keeps the bytes until written: the next lines go to a fresh chunk.
    const bytes = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
    if (!this.out.write(bytes)) this.full = true;
  }
}
