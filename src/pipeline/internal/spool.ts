import { once } from 'node:events';
import { closeSync, readSync, writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import { openUnlinked } from './temp-file.js';
import { LineWriter } from './line-writer.js';

const COPY_BLOCK = 1024 * 1024;

/**
 * Output that must wait (rows behind other rows, or a document whose head is known only
 * at the end), written to an unlinked temporary file through a LineWriter and copied
 * out later: memory stays the same however much waits. Without a temporary file (see
 * openUnlinked) it waits in memory instead.
 */
export class Spool {
  private readonly fd: number | null;
  /** Why the output waits in memory instead of a temporary file, or null. */
  readonly problem: string | null;
  /** What was written, when there is no file. */
  private readonly chunks: Buffer[] = [];
  private size = 0;
  readonly out: LineWriter;

  constructor() {
    const file = openUnlinked();
    const fd = (this.fd = typeof file === 'number' ? file : null);
    this.problem = typeof file === 'string' ? file : null;
    this.out = new LineWriter(
      new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          if (fd === null) this.chunks.push(Buffer.from(chunk)); // a copy: the writer reuses its chunk
          else for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at, chunk.length - at, this.size + at);
          this.size += chunk.length;
          done();
        },
      }),
    );
  }

  /** Copies what was written, from byte `skip` on, to `target`, waiting whenever it is full. */
  async copyTo(target: Writable, skip = 0): Promise<void> {
    await this.out.flush();
    if (this.fd !== null) return copyFile(this.fd, skip, this.size, target);
    for (const chunk of this.chunks) {
      const part = skip >= chunk.length ? null : chunk.subarray(skip);
      skip = Math.max(0, skip - chunk.length);
      if (part !== null && !target.write(part)) await once(target, 'drain');
    }
  }

  /** Bytes written so far (flushed or not). */
  async bytes(): Promise<number> {
    await this.out.flush();
    return this.size;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.chunks.length = 0;
  }
}

/** Copies bytes `from` to `to` of an open file to `target`, waiting whenever it is full. */
export async function copyFile(fd: number, from: number, to: number, target: Writable): Promise<void> {
  let block: Buffer | null = null;
  for (let at = from; at < to; ) {
    const size = Math.min(COPY_BLOCK, to - at);
    // The block is used again when the target took it at once (a file, /dev/null): a new
    // megabyte per block left dead buffers outside the heap until a collection came, and
    // they made the peak memory of `--format json` at its end.
    block = block !== null && block.length >= size ? block : Buffer.allocUnsafe(COPY_BLOCK);
    const part = block.subarray(0, size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, part, got, size - got, at + got);
      if (n === 0) throw new Error(`file ended at byte ${at + got}, before ${to}`);
      got += n;
    }
    at += got;
    const more = target.write(part);
    if (target.writableLength > 0) block = null; // queued: the target keeps these bytes
    if (!more) await once(target, 'drain');
  }
}
