import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export interface Outcome {
  packets: number;
  /** Anything derived from the packets, so no run can be optimised away. */
  check: number;
}

/** The floor: walk classic-pcap record headers in 8 MiB async reads, nothing else. */
export async function bareLoop(path: string): Promise<Outcome> {
  const handle = await open(path, 'r');
  const buf = Buffer.allocUnsafe(8 * 1024 * 1024);
  let filled = 0;
  let pos = 24;
  let packets = 0;
  let check = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, filled, buf.length - filled, null);
    if (bytesRead === 0) break;
    const end = filled + bytesRead;
    while (end - pos >= 16) {
      const captured = buf.readUInt32LE(pos + 8);
      if (end - pos - 16 < captured) break;
      packets++;
      check += captured;
      pos += 16 + captured;
    }
    buf.copyWithin(0, pos, end);
    filled = end - pos;
    pos = 0;
  }
  await handle.close();
  return { packets, check };
}


// Run directly (`node bare-loop.js FILE`), it is the floor the whole-tool bench compares with.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await bareLoop(process.argv[2]!);
  console.log(r.packets);
}
