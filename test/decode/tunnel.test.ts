import { describe, expect, it } from 'vitest';
import { PacketDecoder } from '../../src/decode/packet.js';
import { formatAddress } from '../../src/decode/address.js';
import { TCP_ACK, TCP_SYN } from '../../src/decode/tcp.js';
import { Tracker } from '../../src/track/tracker.js';
import { trackedConnection } from '../../src/track/report.js';
import { ethernet, geneve, gre, ipv4, ipv6, record, tcp, u16, udp, vxlan } from '../helpers/packets.js';

/** Crafted encapsulations, one header each; the fixtures in fixtures/tunnel are Linux's own. */
const outer = (payload: Buffer, protocol: number, src = '198.18.9.1', dst = '198.18.9.2'): Buffer => ethernet(ipv4(payload, { protocol, src, dst }));
const segment = (): Buffer => ipv4(tcp({ sport: 40000, dport: 80, seq: 1234 }), { src: '198.19.0.1', dst: '198.19.0.2' });

function decode(frame: Buffer): { outcome: string; d: PacketDecoder } {
  const d = new PacketDecoder();
  return { outcome: d.decode(record(frame)), d };
}

describe('tunnels', () => {
  it('IPv4 in IPv4, IPv6 in IPv4 and IPv4 in IPv6: the inner header is the one decoded, the outer one recorded', () => {
    const { outcome, d } = decode(outer(segment(), 4));
    expect(outcome).toBe('tcp');
    expect([formatAddress(4, d.ip.src), d.tcp.srcPort, d.tcp.seq]).toEqual(['198.19.0.1', 40000, 1234]);
    expect(d.tunnel?.layers).toEqual([{ kind: 'ip-in-ip', id: null, outer: { src: '198.18.9.1', dst: '198.18.9.2' } }]);
    const six = decode(outer(ipv6(tcp()), 41));
    expect([six.outcome, six.d.ip.version, six.d.tunnel?.layers[0]?.kind]).toEqual(['tcp', 6, 'ip-in-ip']);
    const fourInSix = decode(ethernet(ipv6(segment(), 4), 0x86dd));
    expect([fourInSix.outcome, formatAddress(4, fourInSix.d.ip.src), fourInSix.d.tunnel?.layers[0]?.outer.src]).toEqual(['tcp', '198.19.0.1', 'fd00:7d::c:2']);
  });

  it('GRE: skips checksum, key and sequence fields, and the key names the tunnel', () => {
    for (const f of [{}, { key: 42 }, { checksum: true, key: 42, seq: 7 }, { seq: 9 }]) {
      const { outcome, d } = decode(outer(gre(0x0800, segment(), f), 47));
      expect([outcome, d.tcp.seq, d.tunnel?.layers[0]]).toEqual(['tcp', 1234, { kind: 'gre', id: 'key' in f ? 42 : null, outer: { src: '198.18.9.1', dst: '198.18.9.2' } }]);
    }
    // Ethernet in GRE (Linux gretap): transparent Ethernet bridging, 0x6558.
    expect(decode(outer(gre(0x6558, ethernet(segment()), { key: 5 }), 47)).d.tunnel?.layers[0]?.id).toBe(5);
  });

  it('ERSPAN II and III in GRE: the mirrored Ethernet frame after their headers, the session as the id', () => {
    const two = Buffer.from([0x10, 0x00, ...u16(123), 0, 0, 0, 0]); // version 1 (type II), session 123
    const ii = decode(outer(gre(0x88be, Buffer.concat([two, ethernet(segment())]), { seq: 1 }), 47));
    expect([ii.outcome, ii.d.tcp.seq, ii.d.tunnel?.layers[0]?.kind, ii.d.tunnel?.layers[0]?.id]).toEqual(['tcp', 1234, 'erspan', 123]);
    const three = Buffer.from([0x20, 0x00, ...u16(77), 0, 0, 0, 0, 0, 0, 0, 0x01]); // O bit: an 8-byte subheader follows
    const iii = decode(outer(gre(0x22eb, Buffer.concat([three, Buffer.alloc(8), ethernet(segment())])), 47));
    expect([iii.outcome, iii.d.tcp.seq, iii.d.tunnel?.layers[0]?.id]).toEqual(['tcp', 1234, 77]);
    // Type I: no sequence bit, no ERSPAN header.
    expect(decode(outer(gre(0x88be, ethernet(segment())), 47)).d.tcp.seq).toBe(1234);
  });

  it('VXLAN, Geneve (options skipped) and GRE in UDP, by their UDP ports', () => {
    const vx = decode(outer(udp(51000, 4789, vxlan(42, ethernet(segment()))), 17));
    expect([vx.outcome, vx.d.tcp.seq, vx.d.tunnel?.layers[0]?.kind, vx.d.tunnel?.layers[0]?.id]).toEqual(['tcp', 1234, 'vxlan', 42]);
    const gen = decode(outer(udp(51000, 6081, geneve(43, 0x6558, [0, 1, 2, 1, 0xde, 0xad, 0xbe, 0xef], ethernet(segment()))), 17));
    expect([gen.outcome, gen.d.tcp.seq, gen.d.tunnel?.layers[0]?.kind, gen.d.tunnel?.layers[0]?.id]).toEqual(['tcp', 1234, 'geneve', 43]);
    const genIp = decode(outer(udp(51000, 6081, geneve(44, 0x0800, [], segment())), 17));
    expect([genIp.outcome, genIp.d.tcp.seq]).toEqual(['tcp', 1234]);
    const greUdp = decode(outer(udp(51000, 4754, gre(0x0800, segment())), 17));
    expect([greUdp.outcome, greUdp.d.tunnel?.layers[0]?.kind]).toEqual(['tcp', 'gre-in-udp']);
  });

  it('a tunnel port must be the lower one, and a datagram that is not the tunnel stays UDP', () => {
    // DNS from port 53 to an ephemeral port that happens to be 4789: DNS, as Wireshark reads it.
    expect(decode(outer(udp(53, 4789, vxlan(42, ethernet(segment()))), 17)).outcome).toBe('other-ip');
    // No I flag: not VXLAN.
    const noVni = vxlan(42, ethernet(segment()));
    noVni[0] = 0;
    expect(decode(outer(udp(51000, 4789, noVni), 17)).outcome).toBe('other-ip');
  });

  it('nests tunnels (VXLAN in GRE), outer first, but refuses a nest deeper than four', () => {
    const nested = decode(outer(gre(0x0800, ipv4(udp(51000, 4789, vxlan(7, ethernet(segment()))), { protocol: 17, src: '198.18.8.1', dst: '198.18.8.2' })), 47));
    expect(nested.outcome).toBe('tcp');
    expect(nested.d.tunnel?.layers.map((l) => [l.kind, l.outer.src])).toEqual([['gre', '198.18.9.1'], ['vxlan', '198.18.8.1']]);
    let deep = segment();
    for (let i = 0; i < 5; i++) deep = ipv4(deep, { protocol: 4 });
    expect(decode(ethernet(deep)).outcome).toBe('malformed');
    expect(decode(ethernet(ipv4(ipv4(ipv4(ipv4(segment(), { protocol: 4 }), { protocol: 4 }), { protocol: 4 }), { protocol: 4 }))).outcome).toBe('tcp');
  });

  it('counts frames per kind of tunnel, truncated inner headers as truncated', () => {
    const d = new PacketDecoder();
    d.decode(record(outer(segment(), 4)));
    d.decode(record(outer(udp(51000, 4789, vxlan(42, ethernet(segment()))), 17)));
    const cut = outer(gre(0x0800, segment()), 47);
    expect(d.decode(record(cut, 1, cut.length - 30))).toBe('truncated');
    expect(d.counts.byTunnel).toEqual({ 'ip-in-ip': 1, gre: 1, vxlan: 1 });
  });

  it('interns chains: the same tunnel either way round is one object; another VNI is another', () => {
    const d = new PacketDecoder();
    d.decode(record(outer(udp(51000, 4789, vxlan(42, ethernet(segment()))), 17)));
    const first = d.tunnel;
    d.decode(record(outer(udp(51000, 4789, vxlan(42, ethernet(segment()))), 17, '198.18.9.2', '198.18.9.1')));
    expect(d.tunnel).toBe(first);
    d.decode(record(outer(udp(51000, 4789, vxlan(43, ethernet(segment()))), 17)));
    expect(d.tunnel).not.toBe(first);
    d.decode(record(ethernet(segment())));
    expect(d.tunnel).toBeNull();
  });

  it('keys connections by tunnel: the same inner 4-tuple in two VNIs is two streams, each with its chain', () => {
    const d = new PacketDecoder();
    const reports: ReturnType<typeof trackedConnection>[] = [];
    const tracker = new Tracker((c, reason, at) => reports.push(trackedConnection(c, reason, at)));
    let frame = 0;
    const send = (vni: number, t: Buffer, from: 'c' | 's'): void => {
      const inner = from === 'c' ? ipv4(t, { src: '198.19.0.1', dst: '198.19.0.2' }) : ipv4(t, { src: '198.19.0.2', dst: '198.19.0.1' });
      const r = record(outer(udp(51000, 4789, vxlan(vni, ethernet(inner))), 17));
      r.frame = ++frame;
      r.tsSec = 1000 + frame;
      expect(d.decode(r)).toBe('tcp');
      tracker.segment(r, d);
    };
    for (const vni of [42, 43]) {
      send(vni, tcp({ sport: 40000, dport: 80, seq: 100, flags: TCP_SYN }), 'c');
      send(vni, tcp({ sport: 80, dport: 40000, seq: 500, ack: 101, flags: TCP_SYN | TCP_ACK }), 's');
      send(vni, tcp({ sport: 40000, dport: 80, seq: 101, ack: 501, flags: TCP_ACK }), 'c');
    }
    tracker.finish(2000);
    expect(reports.map((r) => [r.stream, r.packets.client, r.packets.server, r.tunnel.map((l) => l.id)])).toEqual([
      [0, 2, 1, [42]],
      [1, 2, 1, [43]],
    ]);
    expect(reports.every((r) => r.sides.client.retransmissions === 0)).toBe(true);
  });
});
