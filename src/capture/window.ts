import type { ByteSource } from './source.js';

/** Default read size: large enough that the per-chunk await is noise next to parsing. */
export const DEFAULT_WINDOW_BYTES = 8 * 1024 * 1024;

/**
 * A sliding window over a ByteSource. Parsers walk `buf` from `start` to `end`
 * synchronously and ask for more only at a record that straddles the end. Refilling
 * moves just that partial record to the front (no per-packet concatenation) and grows
 * the buffer only for a record larger than the window.
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

  constructor(
    private readonly source: ByteSource,
    size = DEFAULT_WINDOW_BYTES,
    /** Awaited before every read, so a consumer can flush its output first (back-pressure). */
    private readonly beforeRead?: () => Promise<void> | void,
  ) {
    this.buf = Buffer.allocUnsafe(size);
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
    if (this.end - this.start >= n) return true;
    this.compact();
    while (this.end - this.start < n && !this.exhausted) {
      // Grow only when the data that did arrive fills the buffer: a length field that
      // claims more than the input holds then costs what the input holds, not the claim.
      if (this.end === this.buf.length) this.grow(Math.min(n, this.buf.length * 2));
      await this.readMore();
    }
    return this.end - this.start >= n;
  }

  /** The bytes still unconsumed, copied (used once to hand a prefix to a decompressor). */
  takeRemaining(): Buffer {
    const rest = Buffer.from(this.buf.subarray(this.start, this.end));
    this.base += this.end;
    this.start = this.end = 0;
    return rest;
  }

  close(): Promise<void> {
    return this.source.close();
  }

  private compact(): void {
    if (this.start > 0) {
      this.buf.copyWithin(0, this.start, this.end);
      this.base += this.start;
      this.end -= this.start;
      this.start = 0;
    }
  }

  private grow(size: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(size, this.buf.length + 1));
    this.buf.copy(bigger, 0, 0, this.end);
    this.buf = bigger;
  }

  private async readMore(): Promise<void> {
    await this.beforeRead?.();
    const n = await this.source.read(this.buf, this.end, this.buf.length - this.end);
    if (n === 0) this.exhausted = true;
    else this.end += n;
  }
}
