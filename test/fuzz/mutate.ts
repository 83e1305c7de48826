/**
 * Mutations of real captures for fuzzing the reader and analyser: bit flips, byte
 * overwrites, truncations, corrupted length fields, shuffled blocks or records, and
 * inserted bytes. Deterministic for a seed, so a failing case can be replayed.
 */

/** Small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values that break length fields: zero, tiny, unaligned, huge, off-by-a-few. */
const INTERESTING = [0, 1, 3, 4, 7, 11, 12, 13, 16, 28, 0x7f, 0x80, 0xff, 0xffff, 0x10000, 0x3ffff, 0x40000, 0x7fffffff, 0x80000000, 0xfffffff0, 0xffffffff];

/** Record or block boundaries, found naively (pcapng blocks or classic pcap records). */
function boundaries(b: Buffer): number[] {
  const cuts: number[] = [];
  if (b.length < 24) return cuts;
  const le = b.readUInt32LE(0) === 0xa1b2c3d4 || b.readUInt32LE(0) === 0xa1b23c4d || b.readUInt32LE(0) === 0x0a0d0d0a;
  const u32 = (p: number): number => (le ? b.readUInt32LE(p) : b.readUInt32BE(p));
  let p = b.readUInt32LE(0) === 0x0a0d0d0a ? 0 : 24;
  const pcapng = p === 0;
  for (let i = 0; i < 10000 && p + 16 <= b.length; i++) {
    cuts.push(p);
    const step = pcapng ? u32(p + 4) : 16 + u32(p + 8);
    if (step < 12 || p + step > b.length) break;
    p += step;
  }
  return cuts;
}

export function mutate(original: Buffer, random: () => number): Buffer {
  let b = Buffer.from(original);
  const int = (n: number): number => Math.floor(random() * n);
  const rounds = 1 + int(3);
  for (let r = 0; r < rounds && b.length > 0; r++) {
    switch (int(7)) {
      case 0: // flip a few bits
        for (let i = 0, n = 1 + int(8); i < n; i++) b[int(b.length)]! ^= 1 << int(8);
        break;
      case 1: // overwrite a few bytes
        for (let i = 0, n = 1 + int(4); i < n; i++) b[int(b.length)] = int(256);
        break;
      case 2: // cut short
        b = b.subarray(0, int(b.length));
        break;
      case 3: { // a length field (or anything aligned) becomes an interesting value
        if (b.length < 8) break;
        const at = int(b.length - 4) & ~3;
        const v = INTERESTING[int(INTERESTING.length)]!;
        if (random() < 0.5) b.writeUInt32LE(v >>> 0, at);
        else b.writeUInt32BE(v >>> 0, at);
        break;
      }
      case 4: { // swap two blocks or records
        const cuts = boundaries(b);
        if (cuts.length < 3) break;
        const i = 1 + int(cuts.length - 2);
        const [s, m, e] = [cuts[i - 1]!, cuts[i]!, cuts[i + 1] ?? b.length];
        b = Buffer.concat([b.subarray(0, s), b.subarray(m, e), b.subarray(s, m), b.subarray(e)]);
        break;
      }
      case 5: { // duplicate a slice
        const from = int(b.length);
        const len = int(Math.min(64, b.length - from));
        const at = int(b.length);
        b = Buffer.concat([b.subarray(0, at), b.subarray(from, from + len), b.subarray(at)]);
        break;
      }
      default: { // insert random bytes
        const at = int(b.length);
        const noise = Buffer.alloc(1 + int(16));
        for (let i = 0; i < noise.length; i++) noise[i] = int(256);
        b = Buffer.concat([b.subarray(0, at), noise, b.subarray(at)]);
      }
    }
  }
  return b;
}
