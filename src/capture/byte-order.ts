/**
 * Fixed-width integer reads from a Buffer, for the capture and decode hot paths.
 * Plain index arithmetic instead of Buffer#readUInt32BE and friends, which validate
 * their argument on every call.
 *
 * The 32-bit readers return *signed* values on purpose: an int32 is always a small
 * integer (Smi) in V8, while an unsigned value above 2^31 returned from a call V8 did
 * not inline is boxed in a freshly allocated heap number. That happened once the
 * decoders grew past V8's inlining budget (~10 collections per million frames, see
 * test/decode/allocation.test.ts). Where the unsigned value is kept, apply `>>> 0`
 * at the store. Callers check bounds before reading.
 */
export function u16be(b: Buffer, p: number): number {
  return (b[p]! << 8) | b[p + 1]!;
}

export function i32be(b: Buffer, p: number): number {
  return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
}

export function u16le(b: Buffer, p: number): number {
  return b[p]! | (b[p + 1]! << 8);
}

export function i32le(b: Buffer, p: number): number {
  return b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
}

/** Writes a uint32, little-endian (Buffer#writeUInt32LE checks its arguments: slower, per field). */
export function putU32le(b: Uint8Array, p: number, n: number): void {
  b[p] = n & 0xff;
  b[p + 1] = (n >>> 8) & 0xff;
  b[p + 2] = (n >>> 16) & 0xff;
  b[p + 3] = n >>> 24;
}

/**
 * The readers for one byte order. A classic pcap file or a pcapng section picks one set
 * once; its loops then call through it without branching per field.
 */
export interface ByteOrder {
  readonly littleEndian: boolean;
  u16(b: Buffer, p: number): number;
  /** Signed: apply `>>> 0` for the unsigned value (see above). */
  i32(b: Buffer, p: number): number;
}

export const LITTLE_ENDIAN: ByteOrder = { littleEndian: true, u16: u16le, i32: i32le };
export const BIG_ENDIAN: ByteOrder = { littleEndian: false, u16: u16be, i32: i32be };

/** Signed 64-bit integer as a double: exact while |value| < 2^53 (if_tsoffset seconds). */
export function i64(order: ByteOrder, b: Buffer, p: number): number {
  const first = order.i32(b, p);
  const second = order.i32(b, p + 4);
  const hi = order.littleEndian ? second : first;
  const lo = order.littleEndian ? first : second;
  return hi * 0x100000000 + (lo >>> 0);
}
