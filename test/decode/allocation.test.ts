import { join } from 'node:path';
import { GCProfiler } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { newPacketRecord, type PacketRecord } from '../../src/capture/record.js';
import { PacketDecoder } from '../../src/decode/packet.js';
import { READER_FIXTURES } from '../helpers/paths.js';
import { ethernet, gre, ipv4, record, tcp, udp, vxlan } from '../helpers/packets.js';

/**
 * Garbage collections while `run` works, in rounds: V8 optimises in the background, so
 * under load the first round may still run unoptimised code; between rounds the event
 * loop turns, for that code to be installed. Each round must be large enough that even
 * 16 bytes per packet would fill the young generation (16 MiB) twice; the least any
 * round saw is returned. Counted by V8's GCProfiler, complete when stop() returns (a
 * PerformanceObserver's entries come a while later, so counting them depended on a wait).
 */
async function fewestCollections(run: () => void, rounds = 4): Promise<number> {
  let fewest = Infinity;
  for (let i = 0; i < rounds && fewest > 0; i++) {
    const profiler = new GCProfiler();
    profiler.start();
    run();
    fewest = Math.min(fewest, profiler.stop().statistics.length);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return fewest;
}

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

/** Every frame of `records` again inside GRE (with a key) and inside VXLAN. */
function tunnelled(records: PacketRecord[]): PacketRecord[] {
  const ethernetFrames = records.filter((r) => r.linkType === 1);
  return ethernetFrames.flatMap((r) => {
    const frame = r.data.subarray(r.offset, r.offset + r.capturedLength);
    return [
      record(ethernet(ipv4(gre(0x6558, frame, { key: 42 }), { protocol: 47, src: '198.18.9.1', dst: '198.18.9.2' }))),
      record(ethernet(ipv4(udp(51000, 4789, vxlan(7, frame)), { protocol: 17, src: '198.18.9.1', dst: '198.18.9.2' }))),
    ];
  });
}

describe('decoding', () => {
  it('allocates nothing per packet once warm (no garbage collection over 2M frames), through tunnels too', async () => {
    const plain = await frames('two-interfaces.pcapng', 'vlan.pcap', 'pppoe.pcap', 'eth-snap96.pcap');
    const records = [...plain, ...tunnelled(plain)];
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
    let sum = 0;
    expect(await fewestCollections(() => (sum = run(2_000_000)))).toBe(0);
    expect(sum).not.toBe(0);
  });
});

describe('tracking', () => {
  /** The frame as sent, or inside VXLAN, and how many bytes the wrapping adds before it. */
  const wrappings: [string, (frame: Buffer) => Buffer, number][] = [
    ['plain', (frame) => frame, 0],
    ['inside VXLAN', (frame) => ethernet(ipv4(udp(51000, 4789, vxlan(42, frame)), { protocol: 17, src: '198.18.9.1', dst: '198.18.9.2' })), 14 + 20 + 8 + 8],
  ];
  it.each(wrappings)('allocates nothing per packet for an established connection (lookup, bookkeeping, states): %s', async (_name, wrap, outer) => {
    const { Tracker } = await import('../../src/track/tracker.js');
    const { TCP_ACK, TCP_SYN } = await import('../../src/decode/tcp.js');
    const decoder = new PacketDecoder();
    const tracker = new Tracker(() => undefined);
    const client = { src: '198.18.1.2', dst: '198.18.2.2' };
    const server = { src: '198.18.2.2', dst: '198.18.1.2' };
    const feed = (r: PacketRecord, frame: number): void => {
      r.frame = frame;
      // Fractional times, as in real captures: a boxed double per packet would show.
      r.tsSec = 1000 + Math.floor(frame / 100000);
      r.tsNsec = (frame * 7919) % 1_000_000_000;
      decoder.decode(r);
      tracker.segment(r, decoder);
    };
    feed(record(wrap(ethernet(ipv4(tcp({ seq: 0x7fefffff, flags: TCP_SYN }), client)))), 1);
    feed(record(wrap(ethernet(ipv4(tcp({ sport: 80, dport: 40000, seq: 0, ack: 0x7ff00000, flags: TCP_SYN | TCP_ACK }), server)))), 2);
    const data = record(wrap(ethernet(ipv4(tcp({ seq: 0x7ff00000, ack: 1, flags: TCP_ACK, payload: 1000 }), client))));
    const ack = record(wrap(ethernet(ipv4(tcp({ sport: 80, dport: 40000, seq: 1, ack: 0x7ff00000, flags: TCP_ACK }), server))));
    // Sequence and acknowledgement fields sit at TCP offsets 4 and 8 (record offset 3, any tunnel, 14 + 20).
    const tcpAt = 3 + outer + 14 + 20;
    // Sequence numbers cross 2^31 during the run: unsigned values that high are not small
    // integers in V8, so any that were boxed per packet would show as collections.
    let seq = 0x7ff00000;
    let frame = 3;
    const run = (segments: number): void => {
      for (let i = 0; i < segments; i++) {
        // int32 arithmetic here too, or this loop would box its own numbers.
        data.data.writeInt32BE(seq, tcpAt + 4);
        feed(data, frame++);
        seq = (seq + 1000) | 0;
        ack.data.writeInt32BE(seq, tcpAt + 8);
        feed(ack, frame++);
      }
    };
    run(200_000);
    expect(await fewestCollections(() => run(1_000_000))).toBe(0);
    expect(tracker.stats.connections).toBe(1);
  });
});
