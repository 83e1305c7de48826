import { i32le, putU32le } from '../../capture/byte-order.js';
import type { Layout, LayoutOf } from './layout.js';

/**
 * Plain values (numbers, strings, booleans, null, arrays, objects of a known shape) in
 * a compact binary form, for records that wait their turn in stream order or cross to
 * another thread: a connection's tracked record packs into a tenth of its NDJSON
 * line, and what waits goes through a temporary file (see
 * SpilledRecords). The shape is its Layout (layout.ts), and an encoder and a decoder
 * are compiled from it (one plain statement per field, as Direction.reset is made), so
 * the two cannot disagree.
 *
 * Numbers are exact (every double, -0 and Infinity included); a decoded object has the
 * keys in layout order, so it prints as the original does when that order is the
 * original's. Short strings are interned in the codec's table: the packed bytes are
 * meaningful only to the codec that made them, or to one that learnt its strings.
 */

/** Number tags: below SMALL_LIMIT a byte is the number itself. */
const SMALL_LIMIT = 0xf0;
const TAG_UINT32 = 0xf0;
const TAG_DOUBLE = 0xf1;
/** String tags: below SMALL_LIMIT a byte is an interned string's index. */
const TAG_INTERNED = 0xf0;
/** A string written out: ASCII as bytes, anything else as UTF-16 code units (exact, lone surrogates too). */
const TAG_ASCII = 0xf1;
const TAG_UTF16 = 0xf2;
/** Strings this long or shorter are interned (names, states, causes, addresses: they repeat). */
const INTERN_MAX_LENGTH = 48;
/** Interned strings at most; later ones are written out (a capture of unique causes). */
const INTERN_MAX = 65536;
/** A double's bytes, for writing and reading one at any offset (one thread uses them at a time). */
const DOUBLE = new Float64Array(1);
const DOUBLE_BYTES = new Uint8Array(DOUBLE.buffer);

/** Writes packed values into a reused, growing buffer. */
class PackedWriter {
  private buf = Buffer.allocUnsafe(4096);
  private pos = 0;

  constructor(private readonly strings: StringTable) {}

  clear(): void {
    this.pos = 0;
  }

  /** The record so far: a view, valid until the next clear() or write. */
  get bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  number(n: number): void {
    this.room(9);
    const buf = this.buf;
    let pos = this.pos;
    // -0 is not a uint32 here: it goes as a double, to come back as -0.
    if (n >>> 0 === n && (n !== 0 || 1 / n > 0)) {
      if (n < SMALL_LIMIT) buf[pos++] = n;
      else {
        buf[pos++] = TAG_UINT32;
        putU32le(buf, pos, n);
        pos += 4;
      }
    } else {
      buf[pos++] = TAG_DOUBLE;
      DOUBLE[0] = n;
      for (let i = 0; i < 8; i++) buf[pos++] = DOUBLE_BYTES[i]!;
    }
    this.pos = pos;
  }

  /** `s`, interned when short (`unique`: written out, never interned). */
  string(s: string, unique = false): void {
    const index = !unique && s.length <= INTERN_MAX_LENGTH ? this.strings.indexOf(s) : -1;
    this.room(index >= 0 ? 3 : 5 + s.length * 3);
    const buf = this.buf;
    if (index >= 0 && index < SMALL_LIMIT) buf[this.pos++] = index;
    else if (index >= 0) {
      buf[this.pos] = TAG_INTERNED;
      buf[this.pos + 1] = index & 0xff;
      buf[this.pos + 2] = index >>> 8;
      this.pos += 3;
    } else {
      let length = buf.write(s, this.pos + 5, 'utf8');
      if (length === s.length) buf[this.pos] = TAG_ASCII;
      else {
        buf[this.pos] = TAG_UTF16;
        length = buf.write(s, this.pos + 5, 'utf16le');
      }
      putU32le(buf, this.pos + 1, length);
      this.pos += 5 + length;
    }
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}

/** Reads packed values back, in the order they were written. */
class PackedReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;

  constructor(private readonly strings: StringTable) {}

  /** Starts reading `bytes` (kept only until the next start). */
  start(bytes: Uint8Array): void {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = 0;
  }

  byte(): number {
    return this.buf[this.pos++]!;
  }

  number(): number {
    const buf = this.buf;
    let pos = this.pos;
    const tag = buf[pos++]!;
    let n = tag;
    if (tag === TAG_UINT32) {
      n = i32le(buf, pos) >>> 0;
      pos += 4;
    } else if (tag === TAG_DOUBLE) {
      for (let i = 0; i < 8; i++) DOUBLE_BYTES[i] = buf[pos++]!;
      n = DOUBLE[0]!;
    }
    this.pos = pos;
    return n;
  }

  string(): string {
    const buf = this.buf;
    const pos = this.pos;
    const tag = buf[pos]!;
    if (tag < SMALL_LIMIT) {
      this.pos = pos + 1;
      return this.strings.at(tag);
    }
    if (tag === TAG_INTERNED) {
      this.pos = pos + 3;
      return this.strings.at(buf[pos + 1]! | (buf[pos + 2]! << 8));
    }
    const length = i32le(buf, pos + 1) >>> 0;
    this.pos = pos + 5 + length;
    return buf.toString(tag === TAG_ASCII ? 'latin1' : 'utf16le', pos + 5, pos + 5 + length);
  }
}

/** Short strings by index, shared by a codec's writer and reader; only ever grows, to INTERN_MAX. */
class StringTable {
  private readonly indexes = new Map<string, number>();
  private readonly list: string[] = [];

  /** The index of `s`, added if there is room; -1 when the table is full. */
  indexOf(s: string): number {
    const index = this.indexes.get(s);
    if (index !== undefined) return index;
    if (this.list.length >= INTERN_MAX) return -1;
    this.indexes.set(s, this.list.length);
    this.list.push(s);
    return this.list.length - 1;
  }

  at(index: number): string {
    return this.list[index]!;
  }

  /** The strings from index `from` on. */
  since(from: number): string[] {
    return this.list.slice(from);
  }

  get size(): number {
    return this.list.length;
  }

  /** Appends strings another table interned, in its order (see PackedCodec.newStrings). */
  learn(strings: readonly string[]): void {
    for (const s of strings) {
      this.indexes.set(s, this.list.length);
      this.list.push(s);
    }
  }
}

/**
 * Packs and unpacks values of one layout. pack() returns a view into the codec's
 * buffer, valid until the next pack(): the caller copies it (SpilledRecords does).
 */
export class PackedCodec<T> {
  private readonly strings = new StringTable();
  private readonly writer = new PackedWriter(this.strings);
  private readonly reader = new PackedReader(this.strings);
  private readonly encode: (w: PackedWriter, v: T) => void;
  private readonly decode: (r: PackedReader) => T;
  /** Strings handed out by newStrings so far. */
  private shared = 0;

  constructor(layout: LayoutOf<T>) {
    [this.encode, this.decode] = compile<T>(layout as Layout);
  }

  pack(value: T): Buffer {
    this.writer.clear();
    this.encode(this.writer, value);
    return this.writer.bytes;
  }

  unpack(bytes: Uint8Array): T {
    this.reader.start(bytes);
    return this.decode(this.reader);
  }

  /**
   * The strings this codec interned since the last call. Records packed here and
   * unpacked by a codec elsewhere (another thread) need them: that codec learns them
   * first (learnStrings), and must pack nothing of its own.
   */
  newStrings(): string[] {
    const strings = this.strings.since(this.shared);
    this.shared = this.strings.size;
    return strings;
  }

  learnStrings(strings: readonly string[]): void {
    this.strings.learn(strings);
  }
}

/**
 * The encoder and decoder of a layout, as source: the encoder one statement per field
 * into the writer; the decoder one object literal per object, its values read in key
 * order (JavaScript evaluates a literal's values left to right), so every decoded
 * object of a layout gets the same hidden class. Lists decode in a helper each.
 */
function compile<T>(layout: Layout): [(w: PackedWriter, v: T) => void, (r: PackedReader) => T] {
  const helpers: string[] = [];
  let names = 0;
  const encoder = (l: Layout, v: string): string => {
    if (l === 'number') return `w.number(${v});`;
    if (l === 'string') return `w.string(${v});`;
    if (l === 'unique-string') return `w.string(${v}, true);`;
    if (l === 'boolean') return `w.byte(${v} ? 1 : 0);`;
    const x = `v${names++}`;
    if ('nullable' in l) return `{ const ${x} = ${v}; if (${x} === null) w.byte(0); else { w.byte(1); ${encoder(l.nullable, x)} } }`;
    if ('list' in l) return `{ const ${x} = ${v}; w.number(${x}.length); for (let i${x} = 0; i${x} < ${x}.length; i${x}++) { ${encoder(l.list, `${x}[i${x}]`)} } }`;
    return `{ const ${x} = ${v}; ${Object.entries(l.object).map(([k, f]) => encoder(f, `${x}[${JSON.stringify(k)}]`)).join(' ')} }`;
  };
  const decoder = (l: Layout): string => {
    if (l === 'number') return 'r.number()';
    if (l === 'string' || l === 'unique-string') return 'r.string()';
    if (l === 'boolean') return 'r.byte() === 1';
    if ('nullable' in l) return `(r.byte() === 0 ? null : ${decoder(l.nullable)})`;
    if ('list' in l) {
      const name = `list${names++}`;
      helpers.push(`function ${name}(r) { const n = r.number(); const a = []; for (let i = 0; i < n; i++) a.push(${decoder(l.list)}); return a; }`);
      return `${name}(r)`;
    }
    return `{ ${Object.entries(l.object).map(([k, f]) => `${JSON.stringify(k)}: ${decoder(f)}`).join(', ')} }`;
  };
  const encode = encoder(layout, 'value');
  const decode = decoder(layout);
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const encodeFn = new Function('w', 'value', encode) as (w: PackedWriter, v: T) => void;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const decodeFn = new Function(`${helpers.join('\n')}\nreturn (r) => (${decode});`)() as (r: PackedReader) => T;
  return [encodeFn, decodeFn];
}
