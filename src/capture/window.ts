import type { ByteSource } from './source.js';

/** Read size: large enough that a read costs nothing next to parsing it (half of it read measurably slower), small enough that the two buffers stay small beside the tracker's memory. */
export const DEFAULT_WINDOW_BYTES = 4 * 1024 * 1024;

/** Room kept before each read for the record that straddles two reads (see take). */
const MAX_HEAD_BYTES = 1024 * 1024;

/**
 * A sliding window over a ByteSource. Parsers walk `buf` from `start` to `end`
 * synchronously and ask for more only at a record that straddles the end.
 *
 * Two buffers take turns: while the parser walks one, the next read fills the other
 * (reading a file copies it from the page cache on libuv's thread pool, so on a second
 * core it costs the parser nothing; awaited in turn it left the parser idle). Each
 * read lands after `head` bytes of room, where the straddling part of the last record
 * is copied, so there is no per-packet concatenation and, for records
 * shorter than the room, no moving of the data that was read. A record longer than
 * the room is assembled in one buffer grown to fit it.
 */
export class ByteWindow {
  buf: Buffer;
  /** First unconsumed byte. */
  start = 0;
  /** One past the last valid byte. */
  end = 0;
  /** Input offset of buf[0]. */
  private base = 0;
  private exhausted = false;
  private readonly head: number;
  /** The buffer the read in flight (if any) fills, from `head`. */
  private spare: Buffer;
  private pending: Promise<number> | null = null;

  constructor(
    private readonly source: ByteSource,
    size = DEFAULT_WINDOW_BYTES,
    /** Awaited before every read, so a consumer can flush its output first (back-pressure). */
    private readonly beforeRead?: () => Promise<void> | void,
  ) {
    this.head = Math.min(size, MAX_HEAD_BYTES);
    this.buf = Buffer.allocUnsafe(this.head + size);
    this.spare = Buffer.allocUnsafe(this.head + size);
  }

  get available(): number {
    return this.end - this.start;
  }

  /**
   * Bytes in the whole input when known (a regular file), else Infinity. A length
   * field claiming more than this is corrupt, not a file cut short.
   */
  get inputSize(): number {
    return this.source.size;
  }

  /** Input offset (in the decompressed stream) of window position `pos`. */
  offsetOf(pos: number): number {
    return this.base + pos;
  }

  /** True once the source has said it has nothing more. */
  get atEnd(): boolean {
    return this.exhausted;
  }

  /**
   * Makes at least `n` bytes available from `start`. Resolves false when the input
   * ends first (the bytes that did arrive stay available).
   */
  async need(n: number): Promise<boolean> {
    while (this.end - this.start < n && !this.exhausted) {
      await this.arrive();
      // Start the next read now, so it runs while the parser walks these bytes.
      if (!this.exhausted) await this.prefetch();
    }
    return this.end - this.start >= n;
  }

  /** The bytes still unconsumed, copied (used once to hand a prefix to a decompressor). */
  async takeRemaining(): Promise<Buffer> {
    if (this.pending !== null) await this.arrive();
    const rest = Buffer.from(this.buf.subarray(this.start, this.end));
    this.base += this.end;
    this.start = this.end = 0;
    return rest;
  }

  async close(): Promise<void> {
    // The read in flight must end before its file handle is closed under it.
    await this.pending?.catch(() => 0);
    this.pending = null;
    return this.source.close();
  }

  private async prefetch(): Promise<void> {
    await this.beforeRead?.();
    const read = this.source.read(this.spare, this.head, this.spare.length - this.head);
    // Its failure surfaces where it is awaited (arrive); until then it is not unhandled.
    read.catch(() => undefined);
    this.pending = read;
  }

  /** Waits for the read in flight (starting one if none is) and takes its bytes in. */
  private async arrive(): Promise<void> {
    if (this.pending === null) await this.prefetch();
    const got = await this.pending!;
    this.pending = null;
    if (got === 0) this.exhausted = true;
    else this.take(got);
  }

  /** Joins the unconsumed bytes and the `got` bytes just read into spare[head...]. */
  private take(got: number): void {
    const tail = this.end - this.start;
    if (tail <= this.head) {
      this.buf.copy(this.spare, this.head - tail, this.start, this.end);
      // The byte after the old end is now spare[head].
      this.base += this.end - this.head;
      const filled = this.spare;
      this.spare = this.buf;
      this.buf = filled;
      this.start = this.head - tail;
      this.end = this.head + got;
      return;
    }
    // A record longer than the room: grown to what has arrived, never to what a length
    // field claims, so a corrupt length costs what the input holds, not the claim.
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.base += this.start;
      this.end = tail;
      this.start = 0;
    }
    if (this.end + got > this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.end + got);
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    this.spare.copy(this.buf, this.end, this.head, this.head + got);
    this.end += got;
  }
}
