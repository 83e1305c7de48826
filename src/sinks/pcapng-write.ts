import { ENHANCED_PACKET, BYTE_ORDER_MAGIC, INTERFACE_DESCRIPTION, OPT_END, SECTION_HEADER } from '../capture/pcapng.js';

// pcapng blocks as `annotate` writes them (draft-ietf-opsawg-pcapng): each is `type,
// total length, body, total length`, every field in its section's byte order, options
// `code, length, value padded to 4` ended by opt_endofopt.

export const OPT_COMMENT = 1;
/** epb_dropcount: an obsolete Packet Block's drops_count, kept when it becomes an EPB. */
export const EPB_DROPCOUNT = 4;
/** opt_comment's length field is 16 bits. */
const MAX_OPTION_VALUE = 0xffff;

/** Writes integers in one section's byte order. */
export class BlockWriter {
  constructor(readonly littleEndian: boolean) {}

  u16(value: number): Buffer {
    const b = Buffer.allocUnsafe(2);
    if (this.littleEndian) b.writeUInt16LE(value);
    else b.writeUInt16BE(value);
    return b;
  }

  u32(value: number): Buffer {
    const b = Buffer.allocUnsafe(4);
    if (this.littleEndian) b.writeUInt32LE(value >>> 0);
    else b.writeUInt32BE(value >>> 0);
    return b;
  }

  u64(value: bigint): Buffer {
    const b = Buffer.allocUnsafe(8);
    if (this.littleEndian) b.writeBigUInt64LE(value);
    else b.writeBigUInt64BE(value);
    return b;
  }

  /** One option; a value longer than the 16-bit length allows is cut (at a UTF-8 character boundary: values written here are text or short numbers). */
  option(code: number, value: Buffer): Buffer {
    const v = value.length > MAX_OPTION_VALUE ? cutUtf8(value, MAX_OPTION_VALUE) : value;
    return Buffer.concat([this.u16(code), this.u16(v.length), v, padding(v.length)]);
  }

  comment(text: string): Buffer {
    return this.option(OPT_COMMENT, Buffer.from(text, 'utf8'));
  }

  /** A whole block around `body` (whose parts are already padded to 4). */
  block(type: number, body: readonly Buffer[]): Buffer {
    const length = 12 + body.reduce((n, part) => n + part.length, 0);
    return Buffer.concat([this.u32(type), this.u32(length), ...body, this.u32(length)]);
  }

  /** Options followed by opt_endofopt, or nothing when there are none. */
  options(options: readonly Buffer[]): Buffer[] {
    return options.length === 0 ? [] : [...options, this.u32(OPT_END)];
  }

  sectionHeader(options: readonly Buffer[]): Buffer {
    // Version 1.0; section length -1: not given (a writer that streams cannot know it).
    const fixed = [this.u32(BYTE_ORDER_MAGIC), this.u16(1), this.u16(0), Buffer.alloc(8, 0xff)];
    return this.block(SECTION_HEADER, [...fixed, ...this.options(options)]);
  }

  interfaceDescription(linkType: number, snaplen: number, options: readonly Buffer[]): Buffer {
    return this.block(INTERFACE_DESCRIPTION, [this.u16(linkType), this.u16(0), this.u32(snaplen), ...this.options(options)]);
  }

  /**
   * Writes an Enhanced Packet Block to `out` piece by piece (no block assembled per
   * packet: a converted pcap has one per record). `packet` is the captured bytes as
   * they were; `kept` the packet's own options (each whole, without an end marker),
   * written before `added`.
   */
  writeEnhancedPacket(out: ByteSink, p: { interfaceId: number; tsHigh: number; tsLow: number; original: number; packet: Uint8Array; kept: Uint8Array; added: readonly Buffer[] }): void {
    const hasOptions = p.kept.length > 0 || p.added.length > 0;
    const optionBytes = hasOptions ? p.kept.length + p.added.reduce((n, o) => n + o.length, 0) + 4 : 0;
    const pad = padding(p.packet.length);
    const length = 32 + p.packet.length + pad.length + optionBytes;
    const head = this.head;
    this.put(ENHANCED_PACKET, 0);
    this.put(length, 4);
    this.put(p.interfaceId, 8);
    this.put(p.tsHigh, 12);
    this.put(p.tsLow, 16);
    this.put(p.packet.length, 20);
    this.put(p.original, 24);
    out.write(head);
    out.write(p.packet);
    out.write(pad);
    if (hasOptions) {
      out.write(p.kept);
      for (const o of p.added) out.write(o);
      out.write(ZEROS.subarray(0, 4));
    }
    // The head was copied by out: it lends its first word to the trailing length.
    this.put(length, 0);
    out.write(head.subarray(0, 4));
  }

  private put(value: number, at: number): void {
    if (this.littleEndian) this.head.writeUInt32LE(value >>> 0, at);
    else this.head.writeUInt32BE(value >>> 0, at);
  }

  /** The fixed part of an Enhanced Packet Block, reused: `out` copies what it is given. */
  private readonly head = Buffer.alloc(28);
}

/** Where blocks go: it copies each part before the next write (LineWriter does). */
export interface ByteSink {
  write(part: Uint8Array): void;
}

const ZEROS = Buffer.alloc(4);

function padding(length: number): Buffer {
  return ZEROS.subarray(0, (4 - (length % 4)) % 4);
}

/** The longest prefix of `bytes` of at most `max` bytes that does not split a UTF-8 character. */
function cutUtf8(bytes: Buffer, max: number): Buffer {
  let end = max;
  // Step back over continuation bytes (10xxxxxx) to the start of the character cut.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}
