import { describe, expect, it } from 'vitest';
import type { PacketRecord } from '../../src/capture/record.js';
import { decodeNotices } from '../../src/decode/notices.js';
import { PacketDecoder } from '../../src/decode/packet.js';
import { TCP_ACK, TCP_PSH } from '../../src/decode/tcp.js';
import { ethernet, ipv4, ipv6, record, tcp } from '../helpers/packets.js';

/** A TCP segment with `n` bytes of counting data (byte i is i & 0xff). */
function segment(n: number, sport = 40000): Buffer {
  const data = Buffer.alloc(n);
  for (let i = 0; i < n; i++) data[i] = i & 0xff;
  return Buffer.concat([tcp({ sport, dport: 80, seq: 1000, ack: 1, flags: TCP_ACK | TCP_PSH }), data]);
}

/** IPv4 fragments of `payload` cut at `cuts` (byte offsets, multiples of 8), frames from `frame`, one per second from `time`. */
function fragments4(payload: Buffer, cuts: number[], id: number, frame = 1, time = 100, protocol = 6): PacketRecord[] {
  const bounds = [0, ...cuts, payload.length];
  return bounds.slice(0, -1).map((from, i) => {
    const more = i < bounds.length - 2 ? 0x2000 : 0;
    const r = record(ethernet(ipv4(payload.subarray(from, bounds[i + 1]), { id, fragment: more | (from / 8), protocol })));
    r.frame = frame + i;
    r.tsSec = time + i;
    return r;
  });
}

/** IPv6 fragments (RFC 8200 Fragment header) of `payload` cut at `cuts`. */
function fragments6(payload: Buffer, cuts: number[], id: number, frame = 1): PacketRecord[] {
  const bounds = [0, ...cuts, payload.length];
  return bounds.slice(0, -1).map((from, i) => {
    const header = Buffer.alloc(8);
    header.writeUInt16BE(from | (i < bounds.length - 2 ? 1 : 0), 2);
    header.writeUInt32BE(id, 4);
    const r = record(ethernet(ipv6(payload.subarray(from, bounds[i + 1]), 6, [[44, header]]), 0x86dd));
    r.frame = frame + i;
    r.tsSec = 100;
    return r;
  });
}

const decodeAll = (d: PacketDecoder, records: PacketRecord[]): string[] => records.map((r) => d.decode(r));

describe('IP fragment reassembly', () => {
  it('decodes the TCP segment whole in the frame that completes its datagram, in any order', () => {
    const payload = segment(1000);
    for (const order of [[0, 1, 2], [2, 1, 0], [1, 2, 0], [2, 0, 1]]) {
      const d = new PacketDecoder();
      const frames = fragments4(payload, [400, 800], 7);
      const outcomes = decodeAll(d, order.map((i) => frames[i]!));
      expect(outcomes).toEqual(['fragment', 'fragment', 'tcp']);
      expect([d.tcp.srcPort, d.tcp.seq, d.tcp.payloadLength, d.tcp.capturedPayload, d.ip.payloadLength]).toEqual([40000, 1000, 1000, 1000, 1020]);
      // The data, reassembled where the segment's offsets point.
      expect(d.data.subarray(d.tcp.payloadOffset, d.tcp.payloadOffset + 1000).equals(payload.subarray(20))).toBe(true);
      expect(d.counts.byOutcome).toMatchObject({ tcp: 1, fragment: 2 });
      expect(decodeNotices(d.counts)).toEqual([]);
    }
  });

  it('reads a TCP header split across two fragments (8 bytes in the first)', () => {
    const d = new PacketDecoder();
    expect(decodeAll(d, fragments4(segment(100), [8], 9))).toEqual(['fragment', 'tcp']);
    expect([d.tcp.dstPort, d.tcp.ack, d.tcp.payloadLength]).toEqual([80, 1, 100]);
  });

  it('fills nothing twice: a duplicated fragment changes nothing, and a frame after the datagram is plain again', () => {
    const d = new PacketDecoder();
    const [a, b, c] = fragments4(segment(500), [200, 400], 11);
    expect(decodeAll(d, [a!, b!, a!, c!])).toEqual(['fragment', 'fragment', 'fragment', 'tcp']);
    expect(d.tcp.payloadLength).toBe(500);
    expect(d.decode(record(ethernet(ipv4(segment(10)))))).toBe('tcp');
    expect(d.tcp.payloadLength).toBe(10);
  });

  it('knows a copy of a fragment of a datagram completed within the second before (a frame captured twice), and says nothing of it', () => {
    const d = new PacketDecoder();
    const [a, b] = fragments4(segment(300), [160], 12, 1, 100);
    const copies = [a!, b!].map((r) => ({ ...r, frame: r.frame + 10 }));
    copies[0]!.tsSec = 101.5;
    copies[1]!.tsSec = 103;
    expect(decodeAll(d, [a!, b!, copies[0]!])).toEqual(['fragment', 'tcp', 'fragment']);
    expect(d.counts.incompleteTcpFragments.frames).toBe(0);
    // Later than that, the same identification is a new datagram (IPv4's comes round).
    expect(d.decode(copies[1]!)).toBe('fragment');
    expect(d.counts.incompleteTcpFragments).toEqual({ frames: 1, firstFrame: 12 });
  });

  it('drops a datagram whose fragments disagree on where it ends (as Linux does)', () => {
    const d = new PacketDecoder();
    const payload = segment(600);
    const [first, last] = fragments4(payload, [320], 13);
    const shorter = fragments4(payload.subarray(0, 480), [320], 13)[1]!;
    expect(decodeAll(d, [last!, shorter, first!])).toEqual(['fragment', 'fragment', 'fragment']);
    // A fragment past the end the last one gave.
    const beyond = new PacketDecoder();
    const past = fragments4(Buffer.concat([payload, Buffer.alloc(80)]), [320, 624], 13)[2]!;
    expect(decodeAll(beyond, [last!, past, first!])).toEqual(['fragment', 'fragment', 'fragment']);
  });

  it('keeps datagrams apart by identification and addresses', () => {
    const d = new PacketDecoder();
    const one = fragments4(segment(300, 41000), [160], 1);
    const two = fragments4(segment(300, 42000), [160], 2);
    expect(decodeAll(d, [one[0]!, two[0]!, two[1]!, one[1]!])).toEqual(['fragment', 'fragment', 'tcp', 'tcp']);
    expect(d.tcp.srcPort).toBe(41000);
  });

  it('reassembles IPv6 fragments', () => {
    const d = new PacketDecoder();
    expect(decodeAll(d, fragments6(segment(1500), [512, 1024], 0xdeadbeef).reverse())).toEqual(['fragment', 'fragment', 'tcp']);
    expect([d.ip.version, d.tcp.payloadLength]).toEqual([6, 1500]);
  });

  it('reads the IPv6 headers after the Fragment header (Destination Options) once the datagram is whole', () => {
    const d = new PacketDecoder();
    const options = Buffer.alloc(8);
    options[0] = 6; // next header: TCP
    options[1] = 0; // 8 bytes
    const fragmentable = Buffer.concat([options, segment(600)]);
    const parts = fragments6(fragmentable, [320], 7).map((r) => {
      // The Fragment header's next header is Destination Options (60), not TCP.
      r.data[r.offset + 14 + 40] = 60;
      return r;
    });
    expect(decodeAll(d, parts)).toEqual(['fragment', 'tcp']);
    expect([d.tcp.dstPort, d.tcp.payloadLength]).toEqual([80, 600]);
  });

  it('says how many fragments of TCP datagrams never completed, from the first of them; not for UDP', () => {
    const d = new PacketDecoder();
    const tcpParts = fragments4(segment(800), [264, 528], 5, 3);
    decodeAll(d, [tcpParts[0]!, tcpParts[2]!]);
    decodeAll(d, fragments4(Buffer.alloc(800), [400], 6, 10, 100, 17).slice(0, 1));
    expect(decodeNotices(d.counts)).toEqual(['2 fragments of TCP datagrams never completed (first: frame 3): the TCP they carry is not seen']);
  });

  it('gives a datagram up 30 s after its first fragment (Linux ipfrag_time), and says so', () => {
    const d = new PacketDecoder();
    const [first, last] = fragments4(segment(300), [160], 3, 1, 100);
    d.decode(first!);
    last!.tsSec = 131;
    expect(d.decode(last!)).toBe('fragment');
    expect(d.counts.incompleteTcpFragments).toEqual({ frames: 2, firstFrame: 1 });
    const [early, late] = fragments4(segment(300), [160], 4, 5, 200);
    d.decode(early!);
    late!.tsSec = 230;
    expect(d.decode(late!)).toBe('tcp');
  });

  it('holds 64 datagrams at once: the 65th gives the oldest up', () => {
    const d = new PacketDecoder();
    const parts = Array.from({ length: 65 }, (_, i) => fragments4(segment(300), [160], 100 + i, 1 + i * 2, 100 + i / 100));
    for (const [first] of parts) d.decode(first!);
    expect(d.decode(parts[64]![1]!)).toBe('tcp');
    expect(d.decode(parts[1]![1]!)).toBe('tcp');
    expect(d.decode(parts[0]![1]!)).toBe('fragment');
    // The oldest's first fragment given up; 62 still waiting, and the oldest's second alone.
    expect(d.counts.incompleteTcpFragments).toEqual({ frames: 64, firstFrame: 1 });
  });

  it('decodes a tunnel whose outer datagram was fragmented, and the TCP inside it', () => {
    const d = new PacketDecoder();
    const inner = ipv4(segment(600), { src: '198.18.5.1', dst: '198.18.6.1' });
    expect(decodeAll(d, fragments4(inner, [304], 8, 1, 100, 4))).toEqual(['fragment', 'tcp']);
    expect([d.tunnel?.layers.map((l) => l.kind), d.tcp.payloadLength]).toEqual([['ip-in-ip'], 600]);
  });
});
