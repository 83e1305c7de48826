import type { PacketRecord } from '../capture/record.js';
import type { PacketDecoder } from '../decode/packet.js';
import { TCP_ACK, TCP_SYN } from '../decode/tcp.js';
import { zeekAddress } from './address.js';
import { zeekTcpConnState } from './conn-state.js';
import { ZeekConnection, type SessionTable } from './connection.js';
import { ipv4HeaderChecksumOk, tcpChecksumOk } from '../decode/checksum.js';
import { IpHeaderView } from './ip-bytes.js';
import { ZEEK_DEFAULTS, type ZeekParams } from './params.js';
import { TimerQueue } from './timers.js';

/**
 * One TCP row of the conn.log Zeek would write (scripts/base/protocols/conn/main.zeek,
 * Conn::Info, filled by set_conn when the connection is removed). null is Zeek's unset
 * field (`-`).
 */
export interface ZeekConnRow {
  /** Start time: the first packet's time (c$start_time), seconds since the epoch. */
  ts: number;
  origH: string;
  origP: number;
  respH: string;
  respP: number;
  /** last_time - start_time; unset when 0 (set_conn sets it only if c$duration > 0). */
  duration: number | null;
  /** TCP_Endpoint::Size() of each side; unset with duration. */
  origBytes: number | null;
  respBytes: number | null;
  connState: string;
  /** Bytes in content gaps (content_gap events). */
  missedBytes: number;
  /** '' when empty (Zeek leaves history unset then). */
  history: string;
  origPkts: number;
  origIpBytes: number;
  respPkts: number;
  respIpBytes: number;
  /** Whether tunnel_parents is set: a packet of the connection came through a tunnel. */
  tunnelled: boolean;
  /** The stream (our tracker's) of the row's first packet. */
  stream: number;
  version: 4 | 6;
  /** Why the row was written: which of Zeek's removals (or the end of input). */
  removedBy: ZeekRemoval;
}

/**
 * timer: one of the connection's timers (attempt, close/reset delay, expire, inactivity);
 * reuse: a new connection started on the 4-tuple (IsReuse); end-expire: a timer that runs
 * at the end of input (Zeek's Expire of do_expire timers: attempt, reset);
 * end-drain: still open at the end (session::Manager::Drain).
 */
export type ZeekRemoval = 'timer' | 'reuse' | 'end-expire' | 'end-drain';

/**
 * Zeek's connection life for the TCP segments of a capture, writing a conn.log row when
 * Zeek would remove the connection.
 *
 * Per segment, in Zeek's order (src/RunState.cc dispatch_packet, then
 * src/packet_analysis/protocol/ip/IPBasedAnalyzer.cc AnalyzePacket and
 * src/packet_analysis/protocol/tcp/TCP.cc TCPAnalyzer::DeliverPacket):
 * 1. network time advances to the packet's time (never back) and due timers run;
 * 2. with checksums checked (Zeek's default; `-C` turns it off), an IPv4 header with a bad
 *    checksum or a zero length field drops the packet before any connection exists;
 * 3. the connection is found by its 4-tuple (either direction: session::Manager with the
 *    canonical ConnKey); a SYN that IsReuse takes for a new connection removes the old one
 *    first; else a new connection is made (NewConn), flipped when the first packet looks
 *    like the responder's (TCPAnalyzer::WantConnection);
 * 4. with checksums checked, a bad TCP checksum counts in the history ('C'/'c') and stops
 *    the packet there;
 * 5. TCPSessionAdapter::Process runs, then ConnSize counts the packet.
 *
 * Timers run on packet time: a timer due between two TCP segments runs at the second.
 * Zeek also advances time on the other packets of the capture, which this interface does
 * not see; that moves only the network time an ExpireTimer reschedules itself from.
 *
 * Memory: connections leave when their row is written; the table holds the open ones and
 * the timer queue their timers.
 */
export class ZeekConnTracker implements SessionTable {
  readonly timers = new TimerQueue();
  readonly params: ZeekParams;
  private networkTime = 0;
  private readonly table = new Map<number, ZeekConnection>();
  private count = 0;
  private readonly ipView = new IpHeaderView();
  private removal: ZeekRemoval = 'timer';

  constructor(
    private readonly onRow: (row: ZeekConnRow) => void,
    params: Partial<ZeekParams> = {},
  ) {
    this.params = { ...ZEEK_DEFAULTS, ...params };
  }

  /** Connections open (in Zeek's session table). */
  get open(): number {
    return this.count;
  }

  segment(rec: PacketRecord, decoder: PacketDecoder, stream: number): void {
    // Packet::Init: time = tv_sec + tv_usec / 1e6 (libpcap hands out microseconds).
    const t = rec.hasTimestamp ? rec.tsSec + Math.floor(rec.tsNsec / 1000) / 1e6 : 0;
    this.advance(t);

    const ip = decoder.ip;
    const tcp = decoder.tcp;
    const view = this.ipView;
    view.read(decoder);
    const validate = this.params.validateChecksums;
    if (validate && ip.version === 4 && view.start >= 0) {
      // IPAnalyzer::AnalyzePacket: ip_hdr_len_zero and bad_IP_checksum drop the packet.
      if (view.totalLength === 0) return;
      if (!ipv4HeaderChecksumOk(decoder.data, view.start, view.headerLength)) return;
    }

    const src = ip.src;
    const dst = ip.dst;
    const sport = tcp.srcPort;
    const dport = tcp.dstPort;
    const flags = tcp.flags;
    const seq = tcp.seq >>> 0;
    const hash = bucketHash(ip.version, src, sport, dst, dport);
    let conn = this.find(hash, ip.version, src, sport, dst, dport);
    const tunnelled = decoder.tunnel !== null;
    if (conn !== null && conn.isReuse(flags, seq)) {
      this.removal = 'reuse';
      this.remove(conn);
      this.removal = 'timer';
      conn = null;
    } else if (conn !== null) conn.checkEncapsulation(tunnelled);
    if (conn === null) {
      conn = new ZeekConnection(this, this.params, ip.version, src, sport, dst, dport, this.wantsFlip(flags, sport, dport, ip.version, dst), t, this.networkTime, tunnelled, stream);
      this.insert(hash, conn);
    }
    const isOrig = conn.isFromOrig(src, sport);

    if (validate && tcp.capturedPayload >= tcp.payloadLength && !tcpChecksumOk(ip, tcp, decoder.data)) {
      conn.checksumError(isOrig);
      return;
    }
    conn.process(isOrig, t, flags, seq, tcp.ack >>> 0, tcp.window, tcp.payloadLength, tcp.capturedPayload);
    if (conn.inTable) conn.countPacket(isOrig, view.totalLength);
  }

  /**
   * End of input, as Zeek ends (zeek-setup.cc done_with_network): first every timer left
   * runs "expiring" in time order, where only the attempt and reset timers act (they were
   * made with do_expire) and may remove their connection; then session::Manager::Drain
   * writes the rest, in the order of their keys (the order Zeek uses when it runs with a
   * fixed seed, as in its tests: the canonical ConnKey bytes, lower address and port
   * first).
   */
  finish(): void {
    this.removal = 'end-expire';
    for (let timer = this.timers.pop(); timer !== undefined; timer = this.timers.pop()) timer.owner.dispatchTimer(timer, this.networkTime, true);
    const rest: { key: number[]; conn: ZeekConnection }[] = [];
    for (const bucket of this.table.values()) {
      for (let c: ZeekConnection | null = bucket; c !== null; c = c.nextInBucket) rest.push({ key: drainKey(c), conn: c });
    }
    rest.sort((a, b) => compareKeys(a.key, b.key));
    this.removal = 'end-drain';
    for (const { conn } of rest) this.writeRow(conn);
    this.table.clear();
    this.count = 0;
    this.removal = 'timer';
  }

  /** session::Manager::Remove: timers cancelled, the row written, the connection forgotten. */
  remove(conn: ZeekConnection): void {
    if (!conn.inTable) return;
    conn.inTable = false;
    conn.cancelAllTimers();
    const hash = bucketHash(conn.version, conn.origAddr, conn.origPort, conn.respAddr, conn.respPort);
    let c = this.table.get(hash) ?? null;
    if (c === conn) {
      if (conn.nextInBucket === null) this.table.delete(hash);
      else this.table.set(hash, conn.nextInBucket);
    } else {
      while (c !== null && c.nextInBucket !== conn) c = c.nextInBucket;
      if (c !== null) c.nextInBucket = conn.nextInBucket;
    }
    conn.nextInBucket = null;
    this.count--;
    this.writeRow(conn);
  }

  private advance(t: number): void {
    // RunState.cc: network_time = max(timer_mgr->Time(), t); then expire_timers().
    if (t > this.networkTime) this.networkTime = t;
    const now = this.networkTime;
    for (let timer = this.timers.peek(); timer !== undefined && timer.time <= now; timer = this.timers.peek()) {
      this.timers.remove(timer);
      timer.owner.dispatchTimer(timer, now, false);
    }
  }

  /**
   * TCPAnalyzer::WantConnection: a first packet that is not a pure SYN is a partial
   * connection (partial_connection_ok, tcp_SYN_ack_ok are T); if its source port is a
   * likely server port, the roles flip, unless both ports are, when only a non-SYN packet
   * to a higher port flips. IPBasedAnalyzer::NewConn: never toward a broadcast address.
   */
  private wantsFlip(flags: number, sport: number, dport: number, version: number, dst: Uint32Array): boolean {
    if (flags & TCP_SYN && !(flags & TCP_ACK)) return false;
    const likely = this.params.likelyServerPorts;
    if (!likely.has(sport)) return false;
    const flip = likely.has(dport) ? !(flags & TCP_SYN) && sport < dport : true;
    return flip && !(version === 4 && dst[3] === 0xffffffff);
  }

  private find(hash: number, version: number, src: Uint32Array, sport: number, dst: Uint32Array, dport: number): ZeekConnection | null {
    for (let c = this.table.get(hash) ?? null; c !== null; c = c.nextInBucket) if (c.matches(version, src, sport, dst, dport)) return c;
    return null;
  }

  private insert(hash: number, conn: ZeekConnection): void {
    conn.nextInBucket = this.table.get(hash) ?? null;
    this.table.set(hash, conn);
    this.count++;
  }

  /** connection_state_remove -> set_conn(c, T) -> Log::write: the row. */
  private writeRow(c: ZeekConnection): void {
    const duration = c.lastTime - c.startTime;
    const origSize = c.orig.size();
    const respSize = c.resp.size();
    const set = duration > 0;
    this.onRow({
      ts: c.startTime,
      origH: zeekAddress(c.version, c.origAddr),
      origP: c.origPort,
      respH: zeekAddress(c.version, c.respAddr),
      respP: c.respPort,
      duration: set ? duration : null,
      origBytes: set ? origSize : null,
      respBytes: set ? respSize : null,
      connState: zeekTcpConnState(c.orig.state, c.resp.state, origSize, respSize, c.history),
      missedBytes: c.missedBytes,
      history: c.history,
      origPkts: c.origPkts,
      origIpBytes: c.origIpBytes,
      respPkts: c.respPkts,
      respIpBytes: c.respIpBytes,
      tunnelled: c.tunnelled,
      stream: c.stream,
      version: c.version,
      removedBy: this.removal,
    });
  }
}

/** Same value for both directions of a 4-tuple. */
function bucketHash(version: number, a: Uint32Array, ap: number, b: Uint32Array, bp: number): number {
  let ha = ap * 0x9e3779b1;
  let hb = bp * 0x9e3779b1;
  for (let i = 0; i < 4; i++) {
    ha = Math.imul(ha ^ a[i]!, 0x85ebca6b);
    hb = Math.imul(hb ^ b[i]!, 0x85ebca6b);
  }
  let h = (ha + hb + version) | 0;
  h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35);
  return (h ^ (h >>> 13)) & 0x3fffffff;
}

/**
 * The ConnKey Zeek sorts by in Drain (session/Key.cc operator<: memcmp of the key bytes):
 * ip1, ip2 as 16-byte IPv6 (IPv4 as ::ffff:a.b.c.d), then port1, port2 in network byte
 * order. ConnKey::Init puts first the smaller of <addr, port> (addr_port_canon_lt: the
 * address by memcmp, then the port compared as the host-order integer of its
 * network-order bytes, i.e. byte-swapped on a little-endian machine).
 */
function drainKey(c: ZeekConnection): number[] {
  const cmp = compareWords(c.origAddr, c.respAddr);
  const origFirst = cmp < 0 || (cmp === 0 && swap16(c.origPort) < swap16(c.respPort));
  const [a, ap, b, bp] = origFirst ? [c.origAddr, c.origPort, c.respAddr, c.respPort] : [c.respAddr, c.respPort, c.origAddr, c.origPort];
  return [a[0]! >>> 0, a[1]! >>> 0, a[2]! >>> 0, a[3]! >>> 0, b[0]! >>> 0, b[1]! >>> 0, b[2]! >>> 0, b[3]! >>> 0, ap, bp];
}

function swap16(p: number): number {
  return ((p & 0xff) << 8) | (p >>> 8);
}

function compareWords(a: Uint32Array, b: Uint32Array): number {
  for (let i = 0; i < 4; i++) {
    const x = a[i]! >>> 0;
    const y = b[i]! >>> 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function compareKeys(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}
