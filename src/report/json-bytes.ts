/**
 * JSON written straight into a reused byte buffer, a value at a time, the way
 * JSON.stringify would write it (the tests compare the two byte for byte). For a
 * shape known in advance this skips what JSON.stringify cannot: a fresh string per
 * document (3 KB per connection report, 230 MB over the benchmark's mixed capture, all
 * of it garbage once encoded) and a second pass to encode that string as UTF-8.
 */
export class JsonBytes {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Starts a new document in the same buffer (the last one's view is then invalid). */
  clear(): void {
    this.pos = 0;
  }

  /** The document so far: a view, valid until the next clear() or write. */
  get bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** ASCII text that needs no escaping: punctuation and keys (see `key`). */
  raw(ascii: Uint8Array): void {
    const n = ascii.length;
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = ascii[i]!;
    this.pos = pos;
  }

  string(s: string): void {
    const n = s.length;
    this.room(n + 2);
    const buf = this.buf;
    const start = this.pos;
    let pos = start;
    buf[pos++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // Quote, backslash, control and non-ASCII characters: JSON.stringify's escaping
      // and UTF-8 encoding (lone surrogates included) for the whole string.
      if (c < 0x20 || c === 0x22 || c === 0x5c || c > 0x7e) {
        this.pos = start;
        this.encoded(JSON.stringify(s));
        return;
      }
      buf[pos++] = c;
    }
    buf[pos++] = 0x22;
    this.pos = pos;
  }

  /** A number as JSON.stringify writes it: shortest round-trip form, null if not finite. */
  number(n: number): void {
    // Counters, frames, ports, sequence numbers: unsigned 32-bit (-0 too, written "0").
    if (n >>> 0 === n) this.unsigned(n);
    else if (!this.microseconds(n)) {
      if (Number.isFinite(n)) this.ascii(String(n));
      else this.raw(NULL);
    }
  }

  /**
   * Capture times (seconds since the epoch, to the microsecond) without String(), whose
   * shortest-form search was most of the cost of a report's numbers. Written, and true,
   * when `n` in [1e-6, 2^32) is the double nearest a decimal with six places (exact
   * division says so): decimals with six places lie 1e-6 apart, more than the spacing
   * of doubles below 2^32, so no other decimal with as few digits rounds to `n` and
   * that one, trailing zeros dropped, is JavaScript's shortest form (ECMA-262
   * Number::toString; below 1e-6 it switches to exponents).
   */
  private microseconds(n: number): boolean {
    if (!(n >= 1e-6 && n < 4294967296)) return false;
    const us = Math.round(n * 1e6);
    if (us / 1e6 !== n) return false;
    // us / 1e6 is n exactly, so the whole part is n's and the fraction is 1 to 999,999.
    const whole = Math.floor(n);
    let fraction = us - whole * 1e6;
    this.unsigned(whole);
    let places = 6;
    while (fraction % 10 === 0 && places > 1) {
      fraction /= 10;
      places--;
    }
    this.room(places + 1);
    const buf = this.buf;
    let pos = this.pos + places + 1;
    this.pos = pos;
    for (let i = 0; i < places; i++) {
      const q = Math.floor(fraction / 10);
      buf[--pos] = 0x30 + fraction - q * 10;
      fraction = q;
    }
    buf[--pos] = 0x2e;
    return true;
  }

  numberOrNull(n: number | null): void {
    if (n === null) this.raw(NULL);
    else this.number(n);
  }

  stringOrNull(s: string | null): void {
    if (s === null) this.raw(NULL);
    else this.string(s);
  }

  boolean(b: boolean): void {
    this.raw(b ? TRUE : FALSE);
  }

  /** An array of numbers or strings. */
  values(list: readonly (number | string)[]): void {
    this.list(list, writeValue);
  }

  /** An array, each item written by `item` (a function made once: no closure per call). */
  list<T>(items: readonly T[], item: (w: JsonBytes, value: T) => void): void {
    this.raw(OPEN_BRACKET);
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.raw(COMMA);
      item(this, items[i]!);
    }
    this.raw(CLOSE_BRACKET);
  }

  /** Digits without String(): no string made. */
  private unsigned(n: number): void {
    this.room(10);
    const buf = this.buf;
    let pos = this.pos;
    if (n < 10) {
      buf[pos] = 0x30 + n;
      this.pos = pos + 1;
      return;
    }
    pos += n < 100 ? 2 : n < 1e3 ? 3 : n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
    this.pos = pos;
    while (n >= 10) {
      const q = (n / 10) >>> 0;
      buf[--pos] = 0x30 + n - q * 10;
      n = q;
    }
    buf[--pos] = 0x30 + n;
  }

  /** A number's text (digits, '.', 'e', '+', '-'): copied, cheaper than a call to encode it. */
  private ascii(text: string): void {
    const n = text.length;
    this.room(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = text.charCodeAt(i);
    this.pos = pos;
  }

  /** Text already in JSON form (a stringified string, a number), possibly not ASCII. */
  private encoded(text: string): void {
    this.room(text.length * 3);
    this.pos += this.buf.write(text, this.pos);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}

function writeValue(w: JsonBytes, v: number | string): void {
  if (typeof v === 'number') w.number(v);
  else w.string(v);
}

const ascii = (text: string): Uint8Array => Buffer.from(text, 'latin1');

/** `,"name":` as bytes, or `{"name":` for an object's first key. */
export function key(name: string, first = false): Uint8Array {
  return ascii(`${first ? '{' : ','}${JSON.stringify(name)}:`);
}

export const NULL = ascii('null');
const TRUE = ascii('true');
const FALSE = ascii('false');
const COMMA = ascii(',');
export const CLOSE_BRACE = ascii('}');
const CLOSE_BRACKET = ascii(']');
const OPEN_BRACKET = ascii('[');
