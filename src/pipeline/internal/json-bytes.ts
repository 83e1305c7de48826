import type { Layout, LayoutOf } from './layout.js';

/**
 * JSON written straight into a reused byte buffer, a value at a time, the way
 * JSON.stringify would write it (the tests compare the two byte for byte). For a
 * shape known in advance this skips what JSON.stringify cannot: a fresh string per
 * document (all of it garbage once encoded) and a second pass to encode that string as UTF-8.
 * Records are written by a writer compiled from their layout (compile).
 */
export class JsonBytes {
  private buf: Buffer;
  /** buf as a DataView, for the four-byte stores of compiled writers (read by their code only: see compile). */
  view: DataView;
  private pos = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Starts a new document in the same buffer (the last one's view is then invalid). */
  clear(): void {
    this.pos = 0;
  }

  /** The document so far: a view, valid until the next clear() or write. */
  get bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** ASCII text that needs no escaping: null, true, false, a comma (compiled writers store their constants themselves). */
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
    let i = places;
    for (; i >= 2; i -= 2) {
      const q = Math.floor(fraction / 100);
      const r = 2 * (fraction - q * 100);
      buf[--pos] = PAIRS[r + 1]!;
      buf[--pos] = PAIRS[r]!;
      fraction = q;
    }
    if (i === 1) buf[--pos] = 0x30 + fraction;
    buf[--pos] = 0x2e;
    return true;
  }

  boolean(b: boolean): void {
    this.raw(b ? TRUE : FALSE);
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
    // Two digits per division.
    while (n >= 100) {
      const q = (n / 100) >>> 0;
      const r = 2 * (n - q * 100);
      buf[--pos] = PAIRS[r + 1]!;
      buf[--pos] = PAIRS[r]!;
      n = q;
    }
    if (n >= 10) {
      buf[--pos] = PAIRS[2 * n + 1]!;
      buf[--pos] = PAIRS[2 * n]!;
    } else buf[--pos] = 0x30 + n;
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

  /**
   * A writer of a record of `layout` as JSON.stringify would write it (keys in layout
   * order, which must be the record's own), compiled once. The punctuation and keys
   * between two values are merged into one constant, e.g. `},"server":{"finalState":`,
   * and stored four bytes at a time: a report's line is two thirds keys. Each object is
   * written by functions of at most FIELDS_PER_FUNCTION fields: V8's optimising
   * compiler spent more time and memory on the whole report in one function, compiled
   * again and again, than that function saved.
   * An object layout met twice (the two sides, the two timelines' steps) is written by
   * the same functions.
   */
  static compile<T>(layout: LayoutOf<T>): (w: JsonBytes, value: T) => void {
    const functions: string[] = [];
    /** The functions written for each object layout so far. */
    const objects = new Map<Layout, string[]>();
    let text = '';
    let names = 0;
    /** Statements writing the constant text so far ('' if none). */
    const constant = (): string => {
      if (text === '') return '';
      const bytes = ascii(text);
      text = '';
      let stores = '';
      let i = 0;
      for (; i + 4 <= bytes.length; i += 4) stores += `d.setUint32(p + ${i}, ${(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0}, true); `;
      for (; i < bytes.length; i++) stores += `b[p + ${i}] = ${bytes[i]!}; `;
      return `{ w.room(${bytes.length}); const b = w.buf; const d = w.view; const p = w.pos; ${stores}w.pos = p + ${bytes.length}; }`;
    };
    const value = (l: Layout, v: string): string => {
      if (l === 'number') return `${constant()} w.number(${v});`;
      if (l === 'string' || l === 'unique-string') return `${constant()} w.string(${v});`;
      if (l === 'boolean') return `${constant()} w.boolean(${v});`;
      const x = `v${names++}`;
      if ('nullable' in l) {
        const before = constant();
        const inner = value(l.nullable, x);
        return `${before} { const ${x} = ${v}; if (${x} === null) w.raw(NULL); else { ${inner} ${constant()} } }`;
      }
      if ('list' in l) {
        text += '[';
        const before = constant();
        const i = `i${x}`;
        const item = value(l.list, `${x}[${i}]`);
        const loop = `for (let ${i} = 0; ${i} < ${x}.length; ${i}++) { if (${i} > 0) w.raw(COMMA); ${item} ${constant()} }`;
        text += ']';
        return `${before} { const ${x} = ${v}; ${loop} }`;
      }
      // One set of functions per object layout, however often it occurs (a report's
      // two sides, two timelines' steps): the constant before it is written first.
      const before = constant();
      let calls = objects.get(l);
      if (calls === undefined) {
        calls = [];
        const fields = Object.entries(l.object);
        for (let from = 0; from < fields.length; from += FIELDS_PER_FUNCTION) {
          const name = `${x}_${from}`;
          const writes = fields.slice(from, from + FIELDS_PER_FUNCTION).map(([k, f], j) => {
            text += `${from + j === 0 ? '{' : ','}${JSON.stringify(k)}:`;
            return value(f, `${x}[${JSON.stringify(k)}]`);
          });
          if (from + FIELDS_PER_FUNCTION >= fields.length) text += '}';
          functions.push(`function ${name}(w, o) { const ${x} = o; ${writes.join(' ')} ${constant()} }`);
          calls.push(name);
        }
        objects.set(l, calls);
      }
      return `${before} { const o = ${v}; ${calls.map((name) => `${name}(w, o);`).join(' ')} }`;
    };
    const body = `${value(layout as Layout, 'value')} ${constant()}`;
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const make = new Function('NULL', 'COMMA', `${functions.join('\n')}\nreturn (w, value) => { ${body} };`);
    return make(NULL, COMMA) as (w: JsonBytes, value: T) => void;
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
    this.view = new DataView(bigger.buffer, bigger.byteOffset, bigger.byteLength);
  }
}

const ascii = (text: string): Uint8Array => Buffer.from(text, 'latin1');

const NULL = ascii('null');
/** "00" to "99": digits written two at a time. */
const PAIRS = ascii(Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0')).join(''));
const TRUE = ascii('true');
const FALSE = ascii('false');
const COMMA = ascii(',');
/** Fields written by one function of a compiled writer (see compile): small enough for V8 to inline; more or fewer made no difference. */
const FIELDS_PER_FUNCTION = 8;
