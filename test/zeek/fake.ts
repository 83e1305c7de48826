import { PacketDecoder } from '../../src/decode/packet.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../src/decode/tcp.js';
import { ZeekConnTracker, type ZeekConnRow } from '../../src/zeek/conn-log.js';
import type { ZeekParams } from '../../src/zeek/params.js';
import { ethernet, ipv4, ipv6, record, tcp } from '../helpers/packets.js';

export { TCP_ACK as ACK, TCP_FIN as FIN, TCP_RST as RST, TCP_SYN as SYN };

/** Seconds since the epoch of t = 0 in these tests. */
const EPOCH = 1_300_000_000;

export interface Segment {
  /** Microseconds since EPOCH (whole numbers keep the timer arithmetic exact). */
  us: number;
  /** Nanoseconds added to us (a capture with nanosecond timestamps). */
  ns?: number;
  src?: string;
  sport?: number;
  dst?: string;
  dport?: number;
  seq: number;
  ack?: number;
  flags: number;
  len?: number;
  window?: number;
  /** Bytes of IPv4 options (0, 4, 8...). */
  ipOptions?: number;
  v6?: boolean;
  badTcpChecksum?: boolean;
  badIpChecksum?: boolean;
  /** Captured payload bytes (less than len: cut by the snapshot length). */
  captured?: number;
}

function sum16(b: Buffer, from: number, to: number, sum = 0): number {
  let p = from;
  for (; p + 1 < to; p += 2) sum += b.readUInt16BE(p);
  if (p < to) sum += b[p]! << 8;
  return sum;
}
function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** Ethernet/IP/TCP bytes of a segment, with correct checksums unless told otherwise. */
export function frame(s: Segment): Buffer {
  const seg = tcp({ sport: s.sport ?? 40000, dport: s.dport ?? 50000, seq: s.seq >>> 0, ack: (s.ack ?? 0) >>> 0, flags: s.flags, window: s.window ?? 8192, payload: s.len ?? 0 });
  for (let i = 20; i < seg.length; i++) seg[i] = (i * 7) & 0xff;
  if (s.v6) {
    const pkt = ipv6(seg);
    const pseudo = Buffer.concat([pkt.subarray(8, 40), Buffer.from([0, 0, seg.length >> 8, seg.length & 0xff, 0, 0, 0, 6])]);
    setTcpChecksum(pkt, 40, seg.length, pseudo, s.badTcpChecksum);
    return ethernet(pkt, 0x86dd);
  }
  const pkt = ipv4(seg, { src: s.src ?? '10.0.0.1', dst: s.dst ?? '10.0.0.2', options: s.ipOptions ?? 0 });
  const hl = (pkt[0]! & 0x0f) * 4;
  pkt.writeUInt16BE(0, 10);
  pkt.writeUInt16BE((~fold(sum16(pkt, 0, hl)) & 0xffff) ^ (s.badIpChecksum ? 1 : 0), 10);
  const pseudo = Buffer.concat([pkt.subarray(12, 20), Buffer.from([0, 6, seg.length >> 8, seg.length & 0xff])]);
  setTcpChecksum(pkt, hl, seg.length, pseudo, s.badTcpChecksum);
  return ethernet(pkt);
}

function setTcpChecksum(pkt: Buffer, off: number, length: number, pseudo: Buffer, bad = false): void {
  pkt.writeUInt16BE(0, off + 16);
  const sum = sum16(pkt, off, off + length, sum16(pseudo, 0, pseudo.length));
  pkt.writeUInt16BE((~fold(sum) & 0xffff) ^ (bad ? 1 : 0), off + 16);
}

/** Feeds crafted segments to a ZeekConnTracker, as trackCapture's onSegment would. */
export class Net {
  readonly rows: ZeekConnRow[] = [];
  readonly tracker: ZeekConnTracker;
  private readonly decoder = new PacketDecoder();
  private stream = 0;

  constructor(params: Partial<ZeekParams> = {}) {
    this.tracker = new ZeekConnTracker((r) => this.rows.push(r), { validateChecksums: false, ...params });
  }

  send(s: Segment): this {
    const bytes = frame(s);
    const cut = s.captured !== undefined ? bytes.length - ((s.len ?? 0) - s.captured) : bytes.length;
    const rec = record(bytes, 1, cut, bytes.length);
    rec.tsSec = EPOCH + Math.floor(s.us / 1e6);
    rec.tsNsec = (s.us % 1e6) * 1000 + (s.ns ?? 0);
    if (this.decoder.decode(rec) !== 'tcp') throw new Error('not decoded as TCP');
    this.tracker.segment(rec, this.decoder, this.stream++);
    return this;
  }

  finish(): ZeekConnRow[] {
    this.tracker.finish();
    return this.rows;
  }
}

const S = 1_000_000;
/** Seconds to microseconds. */
export const sec = (s: number): number => Math.round(s * S);

/**
 * A client (10.0.0.1:40000) and a server (10.0.0.2:50000) with their sequence numbers, so
 * a test says only what is sent and when.
 */
export class Talk {
  cseq = 1000;
  sseq = 5000;
  constructor(
    readonly net: Net,
    readonly ports: { sport?: number; dport?: number } = {},
  ) {}

  private seg(fromClient: boolean, us: number, flags: number, len = 0, extra: Partial<Segment> = {}): this {
    const c = { src: '10.0.0.1', sport: this.ports.sport ?? 40000 };
    const s = { src: '10.0.0.2', sport: this.ports.dport ?? 50000 };
    const [a, b] = fromClient ? [c, s] : [s, c];
    const seq = fromClient ? this.cseq : this.sseq;
    const ack = flags & TCP_ACK ? (fromClient ? this.sseq : this.cseq) : 0;
    this.net.send({ us, src: a.src, sport: a.sport, dst: b.src, dport: b.sport, seq, ack, flags, len, ...extra });
    const used = len + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0);
    if (!(flags & TCP_RST) && extra.seq === undefined) {
      if (fromClient) this.cseq += used;
      else this.sseq += used;
    }
    return this;
  }

  client(us: number, flags: number, len = 0, extra: Partial<Segment> = {}): this {
    return this.seg(true, us, flags, len, extra);
  }
  server(us: number, flags: number, len = 0, extra: Partial<Segment> = {}): this {
    return this.seg(false, us, flags, len, extra);
  }
  /** SYN, SYN-ACK, ACK at us, us+1, us+2. */
  handshake(us = 0): this {
    return this.client(us, TCP_SYN).server(us + 1, TCP_SYN | TCP_ACK).client(us + 2, TCP_ACK);
  }
}
