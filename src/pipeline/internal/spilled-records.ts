import { closeSync, ftruncateSync, readSync, writevSync } from 'node:fs';
import { openUnlinked } from './temp-file.js';
import { sizeForRoom } from './utf8.js';
import type { HeldItems } from './stream-order.js';

/** Bytes of held records kept in memory before they go to disk. */
const DEFAULT_RECORDS_IN_MEMORY = 4 * 1024 * 1024;
/** Buffers per writev (Linux's IOV_MAX). */
const IOV_MAX = 1024;
/** Bytes read from one run of the spill file at once (see readBack). */
const READ_AHEAD = 64 * 1024;

/**
 * Records waiting for their turn (see StreamOrder): output lines (text, encoded as
 * UTF-8 the moment they arrive) or packed connections and reports (packed.ts), kept in a
 * fixed buffer and moved to an unlinked temporary file when that fills, the way sort(1)
 * spills its runs. A capture whose first connection lasts to its end holds every later
 * connection's record until then, tens of thousands in a large capture. On disk they cost the page cache, which the kernel can
 * give back, instead of heap the process keeps. The file is emptied whenever no
 * spilled record is left, so it holds at most the records of one such stretch.
 *
 * take() returns a view that is valid until the next put() or take(): the caller
 * uses it at once (LineWriter copies a line; unpacking copies a record's values).
 */
export class SpilledRecords implements HeldItems<string | Uint8Array> {
  private readonly memory: Buffer;
  private memoryUsed = 0;
  /** Where each held record is: stream -> [offset, byte length] in memory, or [offset, byte length, run] in the file. */
  private readonly inMemory = new Map<number, [number, number]>();
  private readonly onDisk = new Map<number, [number, number, number]>();
  /** Records that would have gone to disk when no temporary file could be made. */
  private readonly kept = new Map<number, Uint8Array>();
  private fd: number | null = null;
  /** Why no temporary file could be made (records then stay in memory), or null. */
  problem: string | null = null;
  private fileEnd = 0;
  /** Each run's end offset in the file, and the block last read from it. */
  private runEnds: number[] = [];
  private readonly blocks = new Map<number, { start: number; length: number; bytes: Buffer }>();
  /** Records spilled over the whole run (for tests and the bench). */
  spilled = 0;

  constructor(budget = DEFAULT_RECORDS_IN_MEMORY) {
    this.memory = Buffer.allocUnsafe(budget);
  }

  put(stream: number, record: string | Uint8Array): void {
    const bytes = typeof record === 'string' ? sizeForRoom(record, this.memory.length - this.memoryUsed) : record.length;
    if (this.memoryUsed + bytes > this.memory.length) this.spill();
    if (bytes > this.memory.length) {
      // Longer than the whole buffer: straight to the file, a run of its own.
      const encoded = Buffer.from(record);
      const fd = this.file();
      if (fd === null) this.kept.set(stream, encoded);
      else {
        this.onDisk.set(stream, [this.fileEnd, encoded.length, this.runEnds.length]);
        this.appendRun(fd, [encoded]);
      }
      this.spilled++;
      return;
    }
    const at = this.memoryUsed;
    if (typeof record === 'string') this.memoryUsed += this.memory.write(record, at);
    else {
      this.memory.set(record, at);
      this.memoryUsed += record.length;
    }
    this.inMemory.set(stream, [at, this.memoryUsed - at]);
  }

  take(stream: number): Uint8Array | undefined {
    const inMemory = this.inMemory.get(stream);
    if (inMemory !== undefined) {
      this.inMemory.delete(stream);
      const record = this.memory.subarray(inMemory[0], inMemory[0] + inMemory[1]);
      // Nothing else held in memory: the next record may start over at the front.
      if (this.inMemory.size === 0) this.memoryUsed = 0;
      return record;
    }
    const kept = this.kept.get(stream);
    if (kept !== undefined) {
      this.kept.delete(stream);
      return kept;
    }
    const onDisk = this.onDisk.get(stream);
    if (onDisk === undefined) return undefined;
    this.onDisk.delete(stream);
    const record = this.readBack(onDisk[0], onDisk[1], onDisk[2]);
    if (this.onDisk.size === 0) {
      ftruncateSync(this.fd!, 0);
      this.fileEnd = 0;
      this.runEnds = [];
      this.blocks.clear();
    }
    return record;
  }

  remaining(): number[] {
    return [...this.inMemory.keys(), ...this.kept.keys(), ...this.onDisk.keys()].sort((a, b) => a - b);
  }

  /** Closes (and so frees) the temporary file. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /**
   * Moves the records held in memory to the end of the file as one run, in stream order:
   * records go in as connections finish and come back in stream order, so each run is
   * sorted and read back sequentially (an external merge, as sort(1) does it).
   */
  private spill(): void {
    const fd = this.inMemory.size > 0 ? this.file() : null;
    if (fd === null) {
      for (const [stream, [offset, length]] of this.inMemory) this.kept.set(stream, Buffer.from(this.memory.subarray(offset, offset + length)));
    } else {
      const held = [...this.inMemory].sort((a, b) => a[0] - b[0]);
      // Written straight from the buffer, record by record (views, not a copy).
      const run: Buffer[] = [];
      let at = this.fileEnd;
      for (const [stream, [offset, length]] of held) {
        run.push(this.memory.subarray(offset, offset + length));
        this.onDisk.set(stream, [at, length, this.runEnds.length]);
        at += length;
      }
      this.appendRun(fd, run);
    }
    this.spilled += this.inMemory.size;
    this.inMemory.clear();
    this.memoryUsed = 0;
  }

  /** The spill file, made at the first spill; null (for good) if none can be made. */
  private file(): number | null {
    if (this.fd === null && this.problem === null) {
      const file = openUnlinked();
      if (typeof file === 'number') this.fd = file;
      else this.problem = file;
    }
    return this.fd;
  }

  private appendRun(fd: number, parts: Uint8Array[]): void {
    for (let first = 0; first < parts.length; first += IOV_MAX) {
      let batch = parts.slice(first, first + IOV_MAX);
      let left = batch.reduce((sum, p) => sum + p.length, 0);
      while (left > 0) {
        const n = writevSync(fd, batch, this.fileEnd);
        this.fileEnd += n;
        left -= n;
        batch = dropBytes(batch, n);
      }
    }
    this.runEnds.push(this.fileEnd);
  }

  /** The record's bytes, from the block last read from its run when that holds them. */
  private readBack(offset: number, length: number, run: number): Uint8Array {
    let block = this.blocks.get(run);
    if (block === undefined || offset < block.start || offset + length > block.start + block.length) {
      // Each run reads into its own block, reused (the record taken before was written out).
      const size = Math.min(Math.max(length, READ_AHEAD), this.runEnds[run]! - offset);
      const bytes = block !== undefined && block.bytes.length >= size ? block.bytes : Buffer.allocUnsafe(Math.max(size, READ_AHEAD));
      block = { start: offset, length: size, bytes };
      for (let done = 0; done < size; ) {
        const n = readSync(this.fd!, bytes, done, size - done, offset + done);
        if (n === 0) throw new Error(`spill file ended at ${offset + done} of ${this.fileEnd}`);
        done += n;
      }
      this.blocks.set(run, block);
    }
    return block.bytes.subarray(offset - block.start, offset - block.start + length);
  }
}

/** What is left of `parts` after its first `n` bytes were written (views, no copies). */
function dropBytes(parts: Uint8Array[], n: number): Uint8Array[] {
  let i = 0;
  while (i < parts.length && n >= parts[i]!.length) n -= parts[i++]!.length;
  const rest = parts.slice(i);
  if (n > 0) rest[0] = rest[0]!.subarray(n);
  return rest;
}
