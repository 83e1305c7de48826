import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { sizeForRoom } from './utf8.js';

/** Bytes per write: big enough to amortise the call, small enough to stay cache-friendly. */
const CHUNK = 256 * 1024;
/** Chunks kept for reuse: the queue behind a slow pipe is about one chunk (see flush). */
const MAX_SPARE = 4;

/**
 * Collects output lines into byte chunks and writes each chunk when full. Each line is
 * encoded once, straight into the chunk: joining lines into one string and letting
 * stdout encode that copied every byte twice more. `push` may be called in a
 * synchronous burst; stdout queues what the pipe cannot take yet (pipe writes are
 * asynchronous: a slow reader such as `| wc -l` let the queue grow by hundreds of
 * megabytes). `flush` writes the rest and waits until that queue
 * drains, and callers call it between reads and whenever `blocked`, which bounds the
 * queue to about one chunk.
 */
export class LineWriter {
  private chunk: Buffer = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  /**
   * Chunks the output has finished with, for reuse. A fresh 256 KiB Buffer per write
   * made glibc raise its mmap threshold and carve them from its heap instead, which
   * fragmented it and raised the peak RSS (glibc's dynamic mmap threshold: malloc(3),
   * M_MMAP_THRESHOLD).
   */
  private readonly spare: Buffer[] = [];

  constructor(private readonly out: Writable = process.stdout) {}

  /**
   * One line, without its newline: text, or bytes already encoded as UTF-8, after
   * `prefix` if given (written as is: cheaper than a line joined first, which V8 would
   * copy whole once more to encode it).
   */
  push(line: string | Uint8Array, prefix?: string): void {
    if (prefix !== undefined) this.write(prefix);
    this.write(line);
    if (this.used === this.chunk.length) this.writeChunk();
    this.chunk[this.used++] = 0x0a;
  }

  /** Text or UTF-8 bytes as they are, no newline added. */
  write(part: string | Uint8Array): void {
    const room = this.chunk.length - this.used;
    const bytes = typeof part === 'string' ? sizeForRoom(part, room) : part.length;
    if (bytes > room) {
      this.writeChunk();
      if (bytes > this.chunk.length) this.chunk = Buffer.allocUnsafe(bytes);
    }
    if (typeof part === 'string') this.used += this.chunk.write(part, this.used);
    else {
      this.chunk.set(part, this.used);
      this.used += part.length;
    }
  }

  /** True when the output has queued more than it can take: flush() before pushing more. */
  get blocked(): boolean {
    return this.out.writableNeedDrain;
  }

  async flush(): Promise<void> {
    this.writeChunk();
    // Asked of the stream, not remembered from the last write: 'drain' may have come
    // between that write and now, and waiting for another would wait forever (with
    // nothing else pending, Node then exits quietly with the output cut short: seen
    // with stdout a pipe and the capture read from a cold disk).
    if (this.out.writableNeedDrain) await once(this.out, 'drain');
  }

  private writeChunk(): void {
    if (this.used === 0) return;
    const written = this.chunk;
    const bytes = written.subarray(0, this.used);
    this.used = 0;
    let reused = false;
    const done = (): void => {
      if (!reused && written.length === CHUNK && this.spare.length < MAX_SPARE) this.spare.push(written);
    };
    this.out.write(bytes, done);
    // Nothing queued: the bytes went through already (a file, or a pipe with room; the
    // callback comes only on the next tick, too late for a burst of chunks).
    if (this.out.writableLength === 0 && written.length === CHUNK) {
      reused = true;
      return;
    }
    // The output keeps these bytes until written: the next lines go to another chunk.
    this.chunk = this.spare.pop() ?? Buffer.allocUnsafe(CHUNK);
  }
}
