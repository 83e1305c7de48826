/**
 * Fixed-width integer readers for one byte order. A file (classic pcap) or a section
 * (pcapng) picks one set once; the loops then call through it without branching per
 * field. Plain index arithmetic keeps these inlinable and allocation-free.
 */
export interface ByteOrder {
  readonly littleEndian: boolean;
  u16(b: Buffer, p: number): number;
  u32(b: Buffer, p: number): number;
}

export const LITTLE_ENDIAN: ByteOrder = {
  littleEndian: true,
  u16: (b, p) => (b[p]! | (b[p + 1]! << 8)) >>> 0,
  u32: (b, p) => (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16)) + b[p + 3]! * 0x1000000,
};

export const BIG_ENDIAN: ByteOrder = {
  littleEndian: false,
  u16: (b, p) => ((b[p]! << 8) | b[p + 1]!) >>> 0,
  u32: (b, p) => b[p]! * 0x1000000 + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!),
};

/** Signed 64-bit integer as a double: exact while |value| < 2^53 (if_tsoffset seconds). */
export function i64(order: ByteOrder, b: Buffer, p: number): number {
  const first = order.u32(b, p);
  const second = order.u32(b, p + 4);
  const hi = order.littleEndian ? second : first;
  const lo = order.littleEndian ? first : second;
  return (hi | 0) * 0x100000000 + lo;
}
