import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';

const realAllocUnsafe = Buffer.allocUnsafe;

afterEach(() => {
  Buffer.allocUnsafe = realAllocUnsafe;
});

/** A classic pcap (snaplen 256 MiB) whose one record claims `claimed` bytes but carries `carried`. */
function lyingPcap(claimed: number, carried: number): Buffer {
  const h = Buffer.alloc(24 + 16);
  h.writeUInt32LE(0xa1b2c3d4, 0);
  h.writeUInt16LE(2, 4);
  h.writeUInt16LE(4, 6);
  h.writeUInt32LE(256 * 1024 * 1024, 16);
  h.writeUInt32LE(1, 20);
  h.writeUInt32LE(claimed, 24 + 8);
  h.writeUInt32LE(claimed, 24 + 12);
  return Buffer.concat([h, Buffer.alloc(carried, 0x41)]);
}

describe('memory under hostile lengths', () => {
  it('a record claiming 200 MB on a 10 KB pipe costs what the pipe carried, not the claim', async () => {
    let largest = 0;
    Buffer.allocUnsafe = ((size: number) => {
      largest = Math.max(largest, size);
      return realAllocUnsafe(size);
    }) as typeof Buffer.allocUnsafe;
    const summary = await readCapture(Readable.from([lyingPcap(200_000_000, 10_000)]), () => undefined);
    expect(summary.warnings.map((w) => w.kind)).toContain('truncated');
    // The 8 MiB window and the chunks the pipe delivered, nothing near 200 MB.
    expect(largest).toBeLessThanOrEqual(16 * 1024 * 1024);
  });
});
