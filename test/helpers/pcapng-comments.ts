import { readFileSync } from 'node:fs';

/**
 * The packet comments (opt_comment) of an uncompressed pcapng file, by frame number as
 * Wireshark counts frames, read independently of the product's reader: the tests of
 * `annotate` compare them with what tshark read from the same kind of copy.
 */
export function pcapngComments(path: string): Record<string, string[]> {
  const b = readFileSync(path);
  const comments: Record<string, string[]> = {};
  let le = true;
  let frame = 0;
  for (let pos = 0; pos + 12 <= b.length; ) {
    if (b.readUInt32LE(pos) === 0x0a0d0d0a) le = b.readUInt32LE(pos + 8) === 0x1a2b3c4d;
    const u32 = (p: number): number => (le ? b.readUInt32LE(p) : b.readUInt32BE(p));
    const u16 = (p: number): number => (le ? b.readUInt16LE(p) : b.readUInt16BE(p));
    const type = u32(pos);
    const length = u32(pos + 4);
    // Frames: enhanced, simple and obsolete packet blocks, custom and journal blocks (Wireshark's numbering).
    if ([6, 3, 2, 0xbad, 0x40000bad, 9].includes(type)) frame++;
    if (type === 6 || type === 2) {
      const captured = u32(pos + 20);
      for (let p = pos + 28 + Math.ceil(captured / 4) * 4; p + 4 <= pos + length - 4; ) {
        const code = u16(p);
        const len = u16(p + 2);
        if (code === 0) break;
        if (code === 1) (comments[String(frame)] ??= []).push(b.toString('utf8', p + 4, p + 4 + len));
        p += 4 + Math.ceil(len / 4) * 4;
      }
    }
    pos += length;
  }
  return comments;
}
