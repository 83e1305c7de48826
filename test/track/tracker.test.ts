import { describe, expect, it } from 'vitest';
import type { PacketRecord } from '../../src/capture/record.js';
import { PacketDecoder } from '../../src/decode/packet.js';
import { TCP_ACK, TCP_FIN, TCP_SYN } from '../../src/decode/tcp.js';
import { trackedConnection, type TrackedConnection } from '../../src/track/report.js';
import { CLOSED, ConnectionTable, flowHash, LIVE, TOMBSTONES, type ListId, type TableEntry } from '../../src/track/table.js';
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

  /** A segment at `time`, and the stream it joined (-1: not tracked); packets from port 80 come from the server's address. */
  packet(time: number, fields: Parameters<typeof tcp>[0]): number {
    const fromServer = fields.sport === 80;
    const [src, dst] = fromServer ? ['198.18.2.2', '198.18.1.2'] : ['198.18.1.2', '198.18.2.2'];
    const r: PacketRecord = record(ethernet(ipv4(tcp(fields), { src, dst })));
    r.frame = ++this.frame;
    r.tsSec = Math.floor(time);
    r.tsNsec = Math.round((time - Math.floor(time)) * 1e9);
    expect(this.decoder.decode(r)).toBe('tcp');
    return this.tracker.segment(r, this.decoder);
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

  it('leaves a tombstone for an idle connection: its late packets keep its stream', () => {
    const f = new Feed({ idleSeconds: 60 });
    f.packet(100, { sport: 40000, dport: 80, seq: 1, flags: TCP_SYN });
    f.packet(161, { sport: 50000, dport: 80, seq: 1, flags: TCP_SYN });
    expect(f.packet(162, { sport: 80, dport: 40000, seq: 9, ack: 2, flags: TCP_ACK })).toBe(0);
    expect(f.tracker.stats).toMatchObject({ connections: 2, latePackets: 1 });
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
    const streams = Array.from({ length: 5 }, (_, i) => f.packet(100 + i * 0.001, { sport: 40000 + i, dport: 80, seq: 1, flags: TCP_SYN }));
    expect(streams).toEqual([0, 1, -1, -1, -1]);
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

  it('keeps each list in order of last activity: touch moves to the tail, across lists too', () => {
    const table = new ConnectionTable<Item>();
    const [a, b, c] = [1, 2, 3].map((id) => {
      const it = item(id);
      it.hash = flowHash(4, it.addr[0], it.port[0], it.addr[1], it.port[1]);
      table.insert(it, LIVE);
      return it;
    });
    const order = (list: ListId): number[] => {
      const ids: number[] = [];
      for (let e = table.oldest(list) as Item | null; e !== null; e = e.next as Item | null) ids.push(e.id);
      return ids;
    };
    expect(order(LIVE)).toEqual([1, 2, 3]);
    table.touch(a!, LIVE);
    expect(order(LIVE)).toEqual([2, 3, 1]);
    table.touch(a!, LIVE); // already the newest
    table.touch(c!, CLOSED);
    expect([order(LIVE), order(CLOSED), table.counts[LIVE], table.counts[CLOSED]]).toEqual([[2, 1], [3], 2, 1]);
    const d = item(2);
    d.id = 20;
    d.hash = b!.hash;
    table.replace(b!, d, TOMBSTONES);
    expect([order(LIVE), order(TOMBSTONES), table.size]).toEqual([[1], [20], 3]);
    expect(table.find(d.hash, 4, d.addr[0], 2, d.addr[1], 80, null)?.id).toBe(20);
    table.remove(a!);
    table.remove(c!);
    expect([order(LIVE), order(CLOSED), table.counts, table.size]).toEqual([[], [], [0, 0, 1, 0], 1]);
    expect([...table.entries()].map((e) => e.id)).toEqual([20]);
  });

  it('tells entries apart by IP version and tunnel as well as by 4-tuple', () => {
    const table = new ConnectionTable<Item>();
    const v4 = item(5);
    v4.hash = 42;
    table.insert(v4, LIVE);
    const [src, dst] = v4.addr;
    expect(table.find(42, 4, src, 5, dst, 80, null)?.id).toBe(5);
    expect(table.find(42, 6, src, 5, dst, 80, null)).toBeUndefined();
    expect(table.find(42, 4, src, 5, dst, 80, { id: 1, layers: [] })).toBeUndefined();
    expect(table.find(42, 4, src, 5, dst, 81, null)).toBeUndefined();
    expect(table.find(42, 4, src, 6, dst, 80, null)).toBeUndefined();
    expect(table.find(42, 4, dst, 80, src, 5, null)?.id).toBe(5);
  });

  it('hashes both directions of a 4-tuple alike', () => {
    const a = [0, 0, 0xffff, 1];
    const b = [0, 0, 0xffff, 2];
    expect(flowHash(4, a, 1, b, 2)).toBe(flowHash(4, b, 2, a, 1));
    expect(flowHash(4, a, 1, b, 2)).not.toBe(flowHash(4, a, 2, b, 1));
    expect(flowHash(4, a, 1, b, 2, 7)).toBe(flowHash(4, b, 2, a, 1, 7));
    expect(new Set([flowHash(4, a, 1, b, 2), flowHash(6, a, 1, b, 2), flowHash(4, a, 1, b, 2, 7), flowHash(4, a, 1, b, 2, 8)]).size).toBe(4);
    // Every word of an address counts (IPv6 addresses differ anywhere).
    for (let w = 0; w < 4; w++) {
      const c = [...a];
      c[w]! ^= 0x100;
      expect(flowHash(6, c, 1, b, 2), `word ${w}`).not.toBe(flowHash(6, a, 1, b, 2));
    }
    // An int32, as the table masks and compares it.
    expect(Number.isInteger(flowHash(4, a, 1, b, 2)) && flowHash(4, a, 1, b, 2) === (flowHash(4, a, 1, b, 2) | 0)).toBe(true);
  });
});

describe('what the tracker learns across connections', () => {
  /** An unanswered attempt from `sport`: its SYN at `start`, sent again a second later. */
  const attempt = (f: Feed, start: number, sport: number, dport = 80): void => {
    f.packet(start, { sport, dport, seq: 5000 + sport, flags: TCP_SYN });
    f.packet(start + 1, { sport, dport, seq: 5000 + sport, flags: TCP_SYN });
  };
  const superseded = (f: Feed): [number, unknown][] => f.reports.map((r) => [r.stream, r.conn.supersededBy]);

  it('marks an unanswered attempt superseded by the same client’s next one, begun at least 1 s after its last SYN', () => {
    const f = new Feed();
    attempt(f, 100, 40000);
    f.packet(102, { sport: 40001, dport: 80, seq: 1, flags: TCP_SYN });
    attempt(f, 200, 41000);
    f.packet(201.999, { sport: 41001, dport: 80, seq: 1, flags: TCP_SYN }); // 0.999 s after: parallel, not a retry
    f.tracker.finish(300);
    expect(superseded(f)).toEqual([[0, { stream: 1, time: 102 }], [1, null], [2, null], [3, null]]);
  });

  it('does not mark an answered attempt, nor one to another server port', () => {
    const f = new Feed();
    attempt(f, 100, 40000);
    f.packet(101.5, { sport: 80, dport: 40000, seq: 9000, ack: 45001, flags: TCP_SYN | TCP_ACK });
    attempt(f, 110, 40002, 443);
    f.packet(120, { sport: 40001, dport: 80, seq: 1, flags: TCP_SYN });
    f.tracker.finish(300);
    expect(superseded(f).map(([, s]) => s)).toEqual([null, null, null]);
  });

  it('follows at most 16 unanswered attempts per client and server endpoint: the older ones are left alone', () => {
    const f = new Feed();
    for (let i = 0; i < 17; i++) attempt(f, 100 + i * 0.01, 40000 + i);
    f.packet(110, { sport: 50000, dport: 80, seq: 1, flags: TCP_SYN });
    f.tracker.finish(300);
    const marked = superseded(f).filter(([, s]) => s !== null).map(([stream]) => stream);
    expect(marked).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
  });

  it('forgets an attempt once reported: a later SYN does not mark it', () => {
    const f = new Feed({ idleSeconds: 30 });
    attempt(f, 100, 40000);
    f.packet(140, { sport: 40001, dport: 80, seq: 1, flags: TCP_SYN });
    expect(f.reports.map((r) => [r.stream, r.reason, r.conn.supersededBy])).toEqual([[0, 'idle', null]]);
  });

  it('tells a connection between two hosts whose other connection was captured one way only', () => {
    const f = new Feed();
    // Stream 0: the client acknowledges a SYN-ACK the capture lacks.
    f.packet(100, { sport: 40000, dport: 80, seq: 1, flags: TCP_SYN });
    f.packet(100.1, { sport: 40000, dport: 80, seq: 2, ack: 9001, flags: TCP_ACK });
    f.packet(101, { sport: 40001, dport: 80, seq: 1, flags: TCP_SYN });
    f.tracker.finish(200);
    expect(f.reports.map((r) => [r.stream, r.conn.flags.includes('one-sided'), r.conn.pathOneSided])).toEqual([[0, true, true], [1, false, true]]);
    const g = new Feed();
    g.packet(101, { sport: 40001, dport: 80, seq: 1, flags: TCP_SYN });
    g.tracker.finish(200);
    expect(g.reports[0]!.conn.pathOneSided).toBe(false);
  });

  it('ends the connections of a recording at its last packet when the next recording starts a confirmed day later', () => {
    const f = new Feed({ idleSeconds: 3600 });
    const day = 86_400;
    f.packet(100, { sport: 40000, dport: 80, seq: 1, flags: TCP_SYN });
    f.packet(100 + 2 * day, { sport: 40001, dport: 80, seq: 1, flags: TCP_SYN });
    expect(f.reports).toEqual([]);
    f.packet(100 + 2 * day + 1, { sport: 40001, dport: 80, seq: 1, flags: TCP_SYN });
    expect(f.reports.map((r) => [r.stream, r.reason, r.conn.reportedAt])).toEqual([[0, 'capture-end', 100]]);
    f.tracker.finish(100 + 2 * day + 5);
    expect(f.reports.map((r) => [r.stream, r.reason, r.conn.reportedAt])).toEqual([[0, 'capture-end', 100], [1, 'capture-end', 100 + 2 * day + 5]]);
  });

  it('holds a closed connection whose roles are guessed for a SYN on its ports, as long as a tombstone lasts', () => {
    const f = new Feed({ closedQuietSeconds: 5, tombstoneSeconds: 60 });
    // Captured mid-stream: no SYN, so roles are guessed.
    f.packet(100, { sport: 40000, dport: 80, seq: 1, ack: 9001, flags: TCP_FIN | TCP_ACK });
    f.packet(100.001, { sport: 80, dport: 40000, seq: 9001, ack: 2, flags: TCP_FIN | TCP_ACK });
    f.packet(100.002, { sport: 40000, dport: 80, seq: 2, ack: 9002, flags: TCP_ACK });
    f.packet(130, { sport: 40001, dport: 80, seq: 1, flags: TCP_SYN });
    expect(f.reports).toEqual([]);
    f.packet(161, { sport: 40001, dport: 80, seq: 1, flags: TCP_SYN });
    expect(f.reports.map((r) => [r.stream, r.reason, r.conn.roleGuessed])).toEqual([[0, 'closed', true]]);
  });

  it('counts an ICMP error for a reported connection as late, not as a new stream', () => {
    const f = new Feed({ closedQuietSeconds: 5 });
    f.connection(100, 40000);
    f.packet(110, { sport: 40001, dport: 80, seq: 1, flags: TCP_SYN });
    expect(f.reports.map((r) => r.stream)).toEqual([0]);
    const quoted = ipv4(tcp({ sport: 40000, dport: 80, seq: 1002, flags: TCP_ACK }), { src: '198.18.1.2', dst: '198.18.2.2' });
    const r = record(ethernet(ipv4(Buffer.concat([Buffer.from([3, 1, 0, 0, 0, 0, 0, 0]), quoted]), { protocol: 1, src: '198.18.1.1', dst: '198.18.1.2' })));
    r.tsSec = 111;
    expect(f.decoder.decode(r)).toBe('icmp-error');
    f.tracker.icmpError(r, f.decoder);
    expect(f.tracker.stats).toMatchObject({ connections: 2, latePackets: 1, unmatchedIcmp: 0 });
  });
});
