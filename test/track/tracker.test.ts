import { describe, expect, it } from 'vitest';
import type { PacketRecord } from '../../src/capture/record.js';
import { PacketDecoder } from '../../src/decode/packet.js';
import { TCP_ACK, TCP_FIN, TCP_SYN } from '../../src/decode/tcp.js';
import { trackedConnection, type TrackedConnection } from '../../src/track/report.js';
import { ConnectionTable, flowHash, LIVE, type TableEntry } from '../../src/track/table.js';
import { Tracker, type ReportReason, type TrackerOptions } from '../../src/track/tracker.js';
import { ethernet, ipv4, record, tcp } from '../helpers/packets.js';

/** Feeds crafted frames through the decoder into a tracker, collecting its reports. */
class Feed {
  readonly decoder = new PacketDecoder();
  /** What each report said (the tracker uses the connection object again afterwards). */
  readonly reports: { stream: number; reason: ReportReason; conn: TrackedConnection }[] = [];
  readonly tracker: Tracker;
  frame = 0;

  constructor(options: Partial<TrackerOptions> = {}) {
    this.tracker = new Tracker((conn, reason, at) => this.reports.push({ stream: conn.stream, reason, conn: trackedConnection(conn, reason, at) }), options);
  }

  /** A segment at `time`; packets from port 80 come from the server's address. */
  packet(time: number, fields: Parameters<typeof tcp>[0]): void {
    const fromServer = fields.sport === 80;
    const [src, dst] = fromServer ? ['198.18.2.2', '198.18.1.2'] : ['198.18.1.2', '198.18.2.2'];
    const r: PacketRecord = record(ethernet(ipv4(tcp(fields), { src, dst })));
    r.frame = ++this.frame;
    r.tsSec = Math.floor(time);
    r.tsNsec = Math.round((time - Math.floor(time)) * 1e9);
    expect(this.decoder.decode(r)).toBe('tcp');
    this.tracker.segment(r, this.decoder);
  }

  /** A complete connection from `sport`: handshake, client close, server close. */
  connection(start: number, sport: number, isn = 1000): void {
    const c = { sport, dport: 80 };
    const s = { sport: 80, dport: sport };
    this.packet(start, { ...c, seq: isn, flags: TCP_SYN });
    this.packet(start + 0.001, { ...s, seq: 9000, ack: isn + 1, flags: TCP_SYN | TCP_ACK });
    this.packet(start + 0.002, { ...c, seq: isn + 1, ack: 9001, flags: TCP_ACK });
    this.packet(start + 0.003, { ...c, seq: isn + 1, ack: 9001, flags: TCP_FIN | TCP_ACK });
    this.packet(start + 0.004, { ...s, seq: 9001, ack: isn + 2, flags: TCP_FIN | TCP_ACK });
    this.packet(start + 0.005, { ...c, seq: isn + 2, ack: 9002, flags: TCP_ACK });
  }
}

describe('tracker', () => {
  it('reports a closed connection after the quiet period and keeps its stream for late packets', () => {
    const f = new Feed({ closedQuietSeconds: 5 });
    f.connection(100, 40000);
    f.packet(103, { sport: 50000, dport: 80, seq: 1, flags: TCP_SYN });
    expect(f.reports).toEqual([]);
    f.packet(106, { sport: 50000, dport: 80, seq: 1, flags: TCP_SYN });
    expect(f.reports.map((r) => [r.stream, r.reason])).toEqual([[0, 'closed']]);
    // A stray duplicate of the last ACK: Wireshark keeps it in stream 0, so do we.
    f.packet(107, { sport: 40000, dport: 80, seq: 1002, ack: 9002, flags: TCP_ACK });
    expect(f.tracker.stats).toMatchObject({ connections: 2, latePackets: 1 });
  });

  it('starts a new stream for a SYN with a new ISN on a used 4-tuple, even after a report', () => {
    const f = new Feed({ closedQuietSeconds: 5 });
    f.connection(100, 40000, 1000);
    f.packet(101, { sport: 40000, dport: 80, seq: 1000, flags: TCP_SYN }); // same ISN: a retransmission
    expect(f.tracker.stats.connections).toBe(1);
    f.packet(102, { sport: 40000, dport: 80, seq: 70000, flags: TCP_SYN });
    expect(f.reports.map((r) => [r.stream, r.reason])).toEqual([[0, 'port-reuse']]);
    f.packet(200, { sport: 40000, dport: 80, seq: 90000, flags: TCP_SYN }); // its tombstone meets another
    expect(f.tracker.stats.connections).toBe(3);
  });

  it('reports a connection idle past the limit, flagged idle-evicted', () => {
    const f = new Feed({ idleSeconds: 60 });
    f.packet(100, { sport: 40000, dport: 80, seq: 1, flags: TCP_SYN });
    f.packet(161, { sport: 50000, dport: 80, seq: 1, flags: TCP_SYN });
    expect(f.reports.map((r) => [r.stream, r.reason])).toEqual([[0, 'idle']]);
    expect(f.reports[0]!.conn.flags).toContain('idle-evicted');
  });

  it('is not thrown by one wild timestamp', () => {
    const f = new Feed({ idleSeconds: 60 });
    f.packet(100, { sport: 40000, dport: 80, seq: 1, flags: TCP_SYN });
    f.packet(2_000_000_000, { sport: 80, dport: 40000, seq: 9, ack: 2, flags: TCP_SYN | TCP_ACK });
    f.packet(100.1, { sport: 40000, dport: 80, seq: 2, ack: 10, flags: TCP_ACK });
    expect(f.reports).toEqual([]);
    expect(f.tracker.stats.connections).toBe(1);
  });

  it('stops tracking at the cap and counts what it could not track', () => {
    const f = new Feed({ maxConnections: 2 });
    for (let i = 0; i < 5; i++) f.packet(100 + i * 0.001, { sport: 40000 + i, dport: 80, seq: 1, flags: TCP_SYN });
    expect(f.tracker.tracked).toBe(2);
    expect(f.tracker.stats).toMatchObject({ connections: 2, overflowPackets: 3, peakTracked: 2 });
  });

  it('reports everything left at the end in stream order', () => {
    const f = new Feed();
    for (let i = 0; i < 4; i++) f.packet(100 + i, { sport: 40003 - i, dport: 80, seq: 1, flags: TCP_SYN });
    f.tracker.finish(200);
    expect(f.reports.map((r) => r.stream)).toEqual([0, 1, 2, 3]);
    expect(f.tracker.tracked).toBe(0);
  });

  it('reports what is left at the end in batches, so a consumer can drain between them', () => {
    const f = new Feed();
    for (let i = 0; i < 5; i++) f.packet(100 + i, { sport: 40004 - i, dport: 80, seq: 1, flags: TCP_SYN });
    expect(f.tracker.finish(200, 2)).toBe(true);
    expect(f.reports.map((r) => r.stream)).toEqual([0, 1]);
    expect(f.tracker.finish(200, 2)).toBe(true);
    expect(f.tracker.finish(200, 2)).toBe(false);
    expect(f.reports.map((r) => r.stream)).toEqual([0, 1, 2, 3, 4]);
    expect(f.reports.every((r) => r.reason === 'capture-end')).toBe(true);
  });
});

describe('ICMP errors', () => {
  const unreachable = (quoted: Buffer, bytes: number): PacketRecord => {
    const icmp = Buffer.concat([Buffer.from([3, 1, 0, 0, 0, 0, 0, 0]), quoted.subarray(0, bytes)]);
    return record(ethernet(ipv4(icmp, { protocol: 1, src: '198.18.1.1', dst: '198.18.1.2' })));
  };

  it('attach to the connection whose packet they quote', () => {
    const f = new Feed();
    f.packet(100, { sport: 40000, dport: 80, seq: 1000, flags: TCP_SYN });
    const r = unreachable(ipv4(tcp({ sport: 40000, dport: 80, seq: 1000, flags: TCP_SYN }), { src: '198.18.1.2', dst: '198.18.2.2' }), 28);
    r.frame = 2;
    r.tsSec = 101;
    expect(f.decoder.decode(r)).toBe('icmp-error');
    f.tracker.icmpError(r, f.decoder);
    f.tracker.finish(102);
    const c = f.reports[0]!.conn;
    expect(c.icmp).toMatchObject([{ frame: 2, type: 3, code: 1, about: 'client' }]);
    expect(c.flags).toContain('icmp');
  });

  it('open a stream for an unknown connection only when they quote the whole TCP header, as Wireshark does', () => {
    const f = new Feed();
    const quoted = ipv4(tcp({ sport: 41000, dport: 80, seq: 5, flags: TCP_SYN }), { src: '198.18.1.2', dst: '198.18.2.2' });
    for (const [bytes, frame] of [[28, 1], [40, 2]] as const) {
      const r = unreachable(quoted, bytes);
      r.frame = frame;
      r.tsSec = 100;
      f.decoder.decode(r);
      f.tracker.icmpError(r, f.decoder);
    }
    expect(f.tracker.stats).toMatchObject({ connections: 1, unmatchedIcmp: 1 });
  });
});

describe('connection table', () => {
  interface Item extends TableEntry {
    id: number;
  }
  const item = (id: number): Item => {
    const a = new Uint32Array([0, 0, 0xffff, 0xc6120000 + (id % 7)]);
    const b = new Uint32Array([0, 0, 0xffff, 0xc6120100]);
    return { id, version: 4, addr: [a, b], port: [id, 80], tunnel: null, hash: 0, end: 0, prev: null, next: null, list: LIVE };
  };

  it('finds entries in either direction and survives deletions in its probe runs (against a Map)', () => {
    const table = new ConnectionTable<Item>();
    const reference = new Map<number, Item>();
    let seed = 7;
    const random = (n: number): number => (seed = (seed * 48271) % 2147483647) % n;
    for (let step = 0; step < 20000; step++) {
      const id = 1 + random(3000);
      const it = reference.get(id) ?? item(id);
      it.hash = flowHash(4, it.addr[0], it.port[0], it.addr[1], it.port[1]);
      if (reference.has(id) && random(3) === 0) {
        table.remove(it);
        reference.delete(id);
      } else if (!reference.has(id)) {
        table.insert(it, LIVE);
        reference.set(id, it);
      }
    }
    expect(table.size).toBe(reference.size);
    for (let id = 1; id <= 3000; id++) {
      const probe = item(id);
      const hash = flowHash(4, probe.addr[1], 80, probe.addr[0], id);
      expect(table.find(hash, 4, probe.addr[1], 80, probe.addr[0], id, null)?.id).toBe(reference.get(id)?.id);
    }
    expect(table.counts[LIVE]).toBe(reference.size);
  });

  it('hashes both directions of a 4-tuple alike', () => {
    const a = [0, 0, 0xffff, 1];
    const b = [0, 0, 0xffff, 2];
    expect(flowHash(4, a, 1, b, 2)).toBe(flowHash(4, b, 2, a, 1));
    expect(flowHash(4, a, 1, b, 2)).not.toBe(flowHash(4, a, 2, b, 1));
  });
});
