import { describe, expect, it } from 'vitest';
import { formatAddress } from '../../src/decode/address.js';
import { PacketDecoder } from '../../src/decode/packet.js';
import { decodeNotices } from '../../src/decode/notices.js';
import { TCP_ACK, TCP_SYN } from '../../src/decode/tcp.js';
import { ethernet, ipv4, ipv6, record, tcp } from '../helpers/packets.js';

const SYN_OPTIONS = [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7];

describe('TCP header', () => {
  it('reads ports, numbers, flags, window and every option of a SYN', () => {
    const d = new PacketDecoder();
    const seg = tcp({ sport: 59480, dport: 8080, seq: 0xfffffff0, flags: TCP_SYN, window: 64240, options: SYN_OPTIONS });
    expect(d.decode(record(ethernet(ipv4(seg))))).toBe('tcp');
    const t = d.tcp;
    expect([t.srcPort, t.dstPort, t.seq >>> 0, t.ack, t.flags, t.window, t.headerLength]).toEqual([59480, 8080, 0xfffffff0, 0, TCP_SYN, 64240, 40]);
    expect([t.mss, t.sackPermitted, t.hasTimestamps, t.tsVal, t.tsEcr, t.windowScale]).toEqual([1460, true, true, 1, 0, 7]);
  });

  it('leaves nothing of the previous packet behind (options are reset)', () => {
    const d = new PacketDecoder();
    d.decode(record(ethernet(ipv4(tcp({ flags: TCP_SYN, options: SYN_OPTIONS })))));
    const sack = [1, 1, 5, 18, 0, 0, 0, 10, 0, 0, 0, 20, 0, 0, 0, 30, 0, 0, 0, 40];
    expect(d.decode(record(ethernet(ipv4(tcp({ options: sack })))))).toBe('tcp');
    const t = d.tcp;
    expect([t.mss, t.windowScale, t.sackPermitted, t.hasTimestamps]).toEqual([-1, -1, false, false]);
    expect([t.sackCount, ...t.sackBlocks.slice(0, 4)]).toEqual([2, 10, 20, 30, 40]);
  });

  it('takes the payload length from the IP header, not the capture or Ethernet padding', () => {
    const d = new PacketDecoder();
    const padded = Buffer.concat([ethernet(ipv4(tcp())), Buffer.alloc(6)]);
    d.decode(record(padded));
    expect(d.tcp.payloadLength).toBe(0);
    const full = ethernet(ipv4(tcp({ payload: 1448 })));
    d.decode(record(full, 1, 96, full.length)); // 96-byte snaplen
    expect([d.tcp.payloadLength, d.tcp.capturedPayload]).toEqual([1448, 96 - 14 - 20 - 20]);
  });

  it('uses the frame length when the sender offloaded segmentation (IP length 0)', () => {
    const d = new PacketDecoder();
    expect(d.decode(record(ethernet(ipv4(tcp({ payload: 60000 }), { totalLength: 0 }))))).toBe('tcp');
    expect([d.tcp.payloadLength, d.ip.lengthFromFrame]).toEqual([60000, true]);
  });

  it('flags a header cut by the snapshot length, and one that lies about its size', () => {
    const d = new PacketDecoder();
    const p = ethernet(ipv4(tcp()));
    expect(d.decode(record(p, 1, 14 + 20 + 10, p.length))).toBe('truncated');
    expect(d.decode(record(ethernet(ipv4(tcp({ dataOffset: 4 })))))).toBe('malformed');
    expect(d.decode(record(ethernet(ipv4(tcp({ dataOffset: 15 })))))).toBe('malformed');
    const withOptions = ethernet(ipv4(tcp({ flags: TCP_SYN, options: SYN_OPTIONS })));
    expect(d.decode(record(withOptions, 1, 14 + 20 + 26, withOptions.length))).toBe('tcp');
    expect([d.tcp.optionsTruncated, d.tcp.mss]).toEqual([true, 1460]);
    expect(d.decode(record(ethernet(ipv4(tcp({ options: [2, 4, 5, 180, 8, 1, 0, 0] })))))).toBe('tcp');
    expect([d.tcp.optionsMalformed, d.tcp.mss]).toEqual([true, 1460]);
    expect(d.counts.byOutcome).toMatchObject({ truncated: 1, malformed: 2, tcp: 2 });
    expect([d.counts.firstTruncatedFrame, d.counts.firstMalformedFrame]).toEqual([1, 1]);
  });

  it('keeps the three reserved bits in flags, as Wireshark does', () => {
    const d = new PacketDecoder();
    d.decode(record(ethernet(ipv4(tcp({ flags: 0x8c2 })))));
    expect(d.tcp.flags).toBe(0x8c2);
  });
});

describe('IPv4', () => {
  it('skips header options', () => {
    const d = new PacketDecoder();
    expect(d.decode(record(ethernet(ipv4(tcp({ sport: 1234 }), { options: 8 }))))).toBe('tcp');
    expect(d.tcp.srcPort).toBe(1234);
    expect(formatAddress(4, d.ip.src)).toBe('198.18.1.2');
  });

  it('rejects an impossible header length', () => {
    const d = new PacketDecoder();
    const p = ethernet(ipv4(tcp()));
    p[14] = 0x43;
    expect(d.decode(record(p))).toBe('malformed');
  });
});

describe('IPv6', () => {
  it('walks hop-by-hop, destination options and an atomic fragment header (RFC 6946: offset 0, no more) to TCP', () => {
    const d = new PacketDecoder();
    const p = ethernet(ipv6(tcp({ dport: 8080 }), 6, [[0, Buffer.alloc(8)], [60, Buffer.alloc(16)], [44, Buffer.from([0, 0, 0, 0, 0, 0, 0, 9])]]), 0x86dd);
    expect(d.decode(record(p))).toBe('tcp');
    expect([d.tcp.dstPort, d.ip.fragmented, d.tcp.payloadLength]).toEqual([8080, true, 0]);
    expect(formatAddress(6, d.ip.src)).toBe('fd00:7d::c:2');
  });

  it('counts a later fragment without reading its payload as TCP', () => {
    const d = new PacketDecoder();
    const p = ethernet(ipv6(Buffer.alloc(40), 6, [[44, Buffer.from([0, 0, 0x05, 0x01, 0, 0, 0, 9])]]), 0x86dd);
    expect(d.decode(record(p))).toBe('fragment');
  });
});

describe('ICMP errors', () => {
  it('attribute an IPv4 destination unreachable to the TCP segment it quotes', () => {
    const d = new PacketDecoder();
    const offending = ipv4(tcp({ sport: 59480, dport: 8080, seq: 123456789 }));
    const icmp = Buffer.concat([Buffer.from([3, 1, 0, 0, 0, 0, 0, 0]), offending.subarray(0, 28)]);
    expect(d.decode(record(ethernet(ipv4(icmp, { protocol: 1, src: '198.18.1.1', dst: '198.18.1.2' }))))).toBe('icmp-error');
    const e = d.icmp;
    expect([e.type, e.code, e.quotedSrcPort, e.quotedDstPort, e.quotedSeq]).toEqual([3, 1, 59480, 8080, 123456789]);
    expect([formatAddress(4, e.quoted.src), formatAddress(4, e.quoted.dst)]).toEqual(['198.18.1.2', '198.18.2.2']);
  });

  it('attribute an ICMPv6 unreachable, and ignore echoes and quotes of other protocols', () => {
    const d = new PacketDecoder();
    const offending = ipv6(tcp({ dport: 443 }));
    const icmp6 = Buffer.concat([Buffer.from([1, 3, 0, 0, 0, 0, 0, 0]), offending.subarray(0, 48)]);
    expect(d.decode(record(ethernet(ipv6(icmp6, 58), 0x86dd)))).toBe('icmp-error');
    expect([d.icmp.version, d.icmp.quotedDstPort]).toEqual([6, 443]);
    expect(d.decode(record(ethernet(ipv4(Buffer.from([8, 0, 0, 0, 0, 1, 0, 1]), { protocol: 1 }))))).toBe('other-ip');
    const udpQuote = Buffer.concat([Buffer.from([3, 3, 0, 0, 0, 0, 0, 0]), ipv4(Buffer.alloc(8), { protocol: 17 })]);
    expect(d.decode(record(ethernet(ipv4(udpQuote, { protocol: 1 }))))).toBe('other-ip');
  });
});

describe('link layers', () => {
  it('peel a stack of VLAN and QinQ tags, but not endlessly', () => {
    const d = new PacketDecoder();
    expect(d.decode(record(ethernet(ipv4(tcp()), 0x0800, [0x88a8, 0x8100, 0x8100])))).toBe('tcp');
    expect(d.decode(record(ethernet(ipv4(tcp()), 0x0800, new Array(20).fill(0x8100))))).toBe('not-ip');
  });

  it('read a BSD loopback header written by a big-endian host', () => {
    const d = new PacketDecoder();
    const p = Buffer.concat([Buffer.from([0, 0, 0, 2]), ipv4(tcp())]);
    expect(d.decode(record(p, 0))).toBe('tcp');
  });

  it('count frames of link types they do not read, per link type', () => {
    const d = new PacketDecoder();
    d.decode(record(Buffer.alloc(40), 147));
    d.decode(record(Buffer.alloc(40), 147));
    expect(d.counts.unsupportedLinkTypes.get(147)).toEqual({ frames: 2, firstFrame: 1 });
    expect(decodeNotices(d.counts)).toEqual(['2 frames of link type unknown (147) skipped: not decoded by this tool (first: frame 1)']);
    expect(d.decode(record(ethernet(Buffer.alloc(28), 0x0806)))).toBe('not-ip');
  });

  it('read 802.3 with LLC/SNAP, 802.1ah (PBB), VN-Tag, Cisco HDLC and Linux NFLOG down to TCP', () => {
    const d = new PacketDecoder();
    const segment = ipv4(tcp({ seq: 4242 }));
    const seqOf = (bytes: Buffer, linkType = 1): [string, number] => [d.decode(record(bytes, linkType)), d.tcp.seq];
    const snap = Buffer.from([0xaa, 0xaa, 0x03, 0, 0, 0, 0x08, 0x00]);
    expect(seqOf(ethernet(Buffer.concat([snap, segment]), 8 + segment.length))).toEqual(['tcp', 4242]);
    const customer = Buffer.concat([Buffer.alloc(12, 0xbb), Buffer.from([0x08, 0x00]), segment]);
    expect(seqOf(ethernet(Buffer.concat([Buffer.from([0, 0x01, 0x02, 0x03]), customer]), 0x88e7))).toEqual(['tcp', 4242]);
    expect(seqOf(ethernet(Buffer.concat([Buffer.from([0x80, 0x01, 0x00, 0x02, 0x08, 0x00]), segment]), 0x8926))).toEqual(['tcp', 4242]);
    expect(seqOf(Buffer.concat([Buffer.from([0x0f, 0x00, 0x08, 0x00]), segment]), 104)).toEqual(['tcp', 4242]);
    // NFLOG: family AF_INET, then a prefix attribute (type 10, 6 bytes padded to 8), then the payload (type 9).
    const tlv = (type: number, value: Buffer): Buffer => {
      const h = Buffer.alloc(4);
      h.writeUInt16LE(4 + value.length, 0);
      h.writeUInt16LE(type, 2);
      return Buffer.concat([h, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
    };
    const nflog = Buffer.concat([Buffer.from([2, 0, 0, 0]), tlv(10, Buffer.from('drop\0\0')), tlv(9, segment)]);
    expect(seqOf(nflog, 239)).toEqual(['tcp', 4242]);
    // 802.3 whose LLC is not SNAP (spanning tree): not IP.
    expect(seqOf(ethernet(Buffer.from([0x42, 0x42, 0x03, 0, 0, 0, 0, 0]), 8))[0]).toBe('not-ip');
  });

  it('report a frame too short for its link header as truncated', () => {
    const d = new PacketDecoder();
    expect(d.decode(record(Buffer.alloc(10), 1))).toBe('truncated');
    expect(d.decode(record(Buffer.alloc(12), 276))).toBe('truncated');
  });
});

describe('decoded flags', () => {
  it('name SYN and ACK bits as Wireshark numbers them', () => {
    expect([TCP_SYN, TCP_ACK]).toEqual([0x002, 0x010]);
  });
});
