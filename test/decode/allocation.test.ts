import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { newPacketRecord, type PacketRecord } from '../../src/capture/record.js';
import { PacketDecoder } from '../../src/decode/packet.js';
import { READER_FIXTURES } from '../helpers/paths.js';

/** Copies of every frame of some fixtures: TCP over IPv4 and IPv6, ICMP, several link types. */
async function frames(...names: string[]): Promise<PacketRecord[]> {
  const out: PacketRecord[] = [];
  for (const name of names) {
    await readCapture(join(READER_FIXTURES, name), (r) => {
      const copy = { ...newPacketRecord(), ...r };
      copy.data = Buffer.from(r.data.subarray(r.offset, r.offset + r.capturedLength));
      copy.offset = 0;
      out.push(copy);
    });
  }
  return out;
}

describe('decoding', () => {
  it('allocates nothing per packet once warm (no garbage collection over 2M frames)', async () => {
    const records = await frames('two-interfaces.pcapng', 'vlan.pcap', 'pppoe.pcap', 'eth-snap96.pcap');
    const decoder = new PacketDecoder();
    const run = (n: number): number => {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        // An int32 checksum: a float sum would allocate in this loop, not in the decoder.
        if (decoder.decode(records[i % records.length]!) === 'tcp') sum = (sum + decoder.tcp.seq + decoder.tcp.payloadLength) | 0;
      }
      return sum;
    };
    run(300_000); // let V8 optimise the decoders first
    let collections = 0;
    const observer = new PerformanceObserver((list) => (collections += list.getEntries().length));
    observer.observe({ entryTypes: ['gc'] });
    // 2M frames: at even 16 bytes each this would fill the young generation twice over.
    const sum = run(2_000_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    observer.disconnect();
    expect(sum).not.toBe(0);
    expect(collections).toBe(0);
  });
});
