import { open } from 'node:fs/promises';

const FILE_HEADER = 24;
const RECORD_HEADER = 16;

/**
 * Writes `times` copies of a little-endian classic pcap (tcpdump's own output) one
 * after another into one file, copy k shifted `shiftSeconds`·k later: a capture as
 * many times longer with the same traffic mix, for showing memory does not grow
 * with capture length. The shift must outlast the tracker's tombstones (an hour), or
 * the copies' SYNs, repeating the same ISNs on the same 4-tuples, would read as
 * retransmissions of the first copy's connections.
 */
export async function repeatCapture(source: string, target: string, times: number, shiftSeconds: number): Promise<void> {
  const input = await open(source, 'r');
  const output = await open(target, 'w');
  try {
    const header = Buffer.alloc(FILE_HEADER);
    await input.read(header, 0, FILE_HEADER, 0);
    if (header.readUInt32LE(0) !== 0xa1b2c3d4) throw new Error(`${source}: not a little-endian microsecond pcap`);
    await output.write(header);
    const buf = Buffer.allocUnsafe(16 * 1024 * 1024);
    for (let k = 0; k < times; k++) {
      let position = FILE_HEADER;
      let filled = 0;
      for (;;) {
        const { bytesRead } = await input.read(buf, filled, buf.length - filled, position);
        position += bytesRead;
        const end = filled + bytesRead;
        let pos = 0;
        while (end - pos >= RECORD_HEADER && end - pos - RECORD_HEADER >= buf.readUInt32LE(pos + 8)) {
          buf.writeUInt32LE(buf.readUInt32LE(pos) + k * shiftSeconds, pos);
          pos += RECORD_HEADER + buf.readUInt32LE(pos + 8);
        }
        await output.write(buf.subarray(0, pos));
        if (bytesRead === 0) break;
        buf.copyWithin(0, pos, end);
        filled = end - pos;
      }
    }
  } finally {
    await input.close();
    await output.close();
  }
}
