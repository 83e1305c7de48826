import type { AddressWords } from '../decode/address.js';
import { newAddress, sameAddress } from '../decode/address.js';
import type { PacketDecoder } from '../decode/packet.js';
import type { TunnelChain } from '../decode/tunnel.js';
import { TCP_ACK, TCP_SYN } from '../decode/tcp.js';
import type { PacketRecord } from '../capture/record.js';
import { Connection, NO_SEGMENT, type Moment } from './connection.js';
import { DuplicateWindow } from './duplicates.js';
import { CLOSED, ConnectionTable, flowHash, HELD, LIVE, sideOf, TOMBSTONES, type ListId, type TableEntry } from './table.js';

export interface TrackerOptions {
  /** A connection without packets for this long is reported as it stands (seconds). */
  idleSeconds: number;
  /** A closed connection is reported after this much quiet: time for stray retransmissions. */
  closedQuietSeconds: number;
  /** A reported connection's tombstone keeps its stream number for late packets this long. */
  tombstoneSeconds: number;
  /** Most connections tracked at once; more are counted as overflow, not tracked. */
  maxConnections: number;
  /**
   * Reported connections' objects kept for new connections (see Connection.restart). A
   * steady capture needs as many as finish between two sweeps; more would only keep the
   * memory of a past burst. 0 turns reuse off (the tests compare both).
   */
  spareConnections: number;
  /** The seed of each report's Community ID (0, the spec's default, unless sites agree on another). */
  communityIdSeed: number;
}

/**
 * Wireshark never splits a connection for silence, so the idle limit is long: an hour
 * (seen in the public corpus: SMB sessions quiet for 6 minutes between bursts). Linux
 * keepalives start after 2 h by default, so a longer-idle connection may still be
 * alive; it is then reported as it stood and flagged idle-evicted. A closed one waits
 * 5 s, Zeek's tcp_close_delay: long enough for a lost last ACK's FIN retransmissions
 * (Linux's 200 ms minimum RTO, then doubling), and short enough that closed
 * connections do not crowd the table of a busy capture.
 */
export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  idleSeconds: 3600,
  closedQuietSeconds: 5,
  tombstoneSeconds: 3600,
  maxConnections: 200_000,
  spareConnections: 1024,
  communityIdSeed: 0,
};

/** Throws a RangeError for options no tracker can take (the library checks before reading). */
export function checkTrackerOptions(options: Partial<TrackerOptions> = {}): void {
  const seed = options.communityIdSeed;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= 65535)) {
    throw new RangeError(`the Community ID seed must be a whole number from 0 to 65535, not ${seed}`);
  }
}

/**
 * A timestamp this far ahead of the capture clock is believed only if the next agrees;
 * then it starts a new recording (see Tracker.endRecording).
 */
const CLOCK_JUMP_SECONDS = 86_400;

/** Why a connection was reported when it was. */
export type ReportReason = 'closed' | 'idle' | 'port-reuse' | 'capture-end';

export interface TrackerStats {
  /** Connections (streams) numbered. */
  connections: number;
  /** Packets of connections not tracked because the table was full. */
  overflowPackets: number;
  /** Packets that arrived for a connection after it had been reported. */
  latePackets: number;
  /** ICMP errors quoting no connection the capture shows. */
  unmatchedIcmp: number;
  /** Most connections held at once. */
  peakTracked: number;
}

/**
 * What is left of a reported connection: its 4-tuple, stream number and Wireshark base
 * sequence numbers, so a late packet keeps the stream number Wireshark gives it and a
 * new SYN is still told from a retransmitted one.
 */
class Tombstone implements TableEntry {
  readonly addr: [AddressWords, AddressWords];
  readonly port: [number, number];
  readonly version: 4 | 6;
  readonly tunnel: TunnelChain | null;
  readonly stream: number;
  readonly base: [number | null, number | null];
  hash: number;
  end: number;
  prev: TableEntry | null = null;
  next: TableEntry | null = null;
  list: ListId = TOMBSTONES;

  constructor(c: Connection, addresses: SharedAddresses) {
    this.addr = [addresses.get(c.addr[0]), addresses.get(c.addr[1])];
    this.port = [c.port[0], c.port[1]];
    this.version = c.version;
    this.tunnel = c.tunnel;
    this.stream = c.stream;
    this.base = [c.dirs[0].baseSet ? c.dirs[0].base : null, c.dirs[1].baseSet ? c.dirs[1].base : null];
    this.hash = c.hash;
    this.end = c.end;
  }

  sideOf(src: AddressWords, srcPort: number): 0 | 1 {
    return sideOf(this, src, srcPort);
  }
}

/**
 * Address arrays shared by tombstones (never written after they are made). Tombstones
 * stay an hour, so a busy capture holds tens of thousands, nearly all between a few
 * hosts, and arrays of their own per tombstone were most of a tombstone's heap
 * (test/bench/connection-heap.ts measures it). Forgotten wholesale
 * past MAX_SHARED_ADDRESSES (a scan or a flood from random sources), which costs only
 * sharing.
 */
class SharedAddresses {
  private readonly byKey = new Map<number | string, AddressWords>();

  get(words: AddressWords): AddressWords {
    const key = words[0] === 0 && words[1] === 0 && words[2] === 0xffff ? words[3]! : `${words[0]}:${words[1]}:${words[2]}:${words[3]}`;
    let shared = this.byKey.get(key);
    if (shared === undefined) {
      if (this.byKey.size >= MAX_SHARED_ADDRESSES) this.byKey.clear();
      shared = newAddress();
      shared.set(words);
      this.byKey.set(key, shared);
    }
    return shared;
  }
}

const MAX_SHARED_ADDRESSES = 65536;
/**
 * Closed connections with guessed roles held at once (see sweep): a capture that starts
 * on a busy link begins with thousands mid-stream; past this they are reported at once.
 */
const MAX_HELD = 1024;
/** Unanswered attempts followed per client host and server endpoint (a browser opens six at once). */
const MAX_ATTEMPTS = 16;
/**
 * A new attempt counts as a retry of an unanswered one only this long after the old
 * one's last SYN: parallel attempts (a browser's six, a flood's thousands) start
 * together; a client that gave up waited first (no stack retransmits a SYN sooner).
 */
const RETRY_AFTER_SECONDS = 1;

/** One-sided host pairs remembered at most (a key each; the set starts over past it). */
const MAX_PATHS = 65536;

/** The key of a host pair, either way round (a hash: a collision only costs a guess). */
function pathKey(c: Connection): number {
  return flowHash(c.version, c.addr[0], 0, c.addr[1], 0);
}

/** The key of a connection's attempt list: client address, server address and port. */
function attemptKey(c: Connection): number {
  return flowHash(c.version, c.addr[0], 0, c.addr[1], c.port[1]);
}

type Entry = Connection | Tombstone;

/**
 * Turns decoded segments into connections, numbered as Wireshark numbers tcp.stream
 * (epan/dissectors/packet-tcp.c, 4.0): a packet joins the latest connection on its
 * 4-tuple; a pure SYN whose sequence number differs from that direction's base
 * sequence starts a new one (port reuse), while one with the same number is a
 * retransmission. Connections are reported (and dropped, leaving a tombstone) once
 * closed and quiet, or idle past the limit, so memory follows the open connections.
 */
export class Tracker {
  readonly options: TrackerOptions;
  readonly stats: TrackerStats = { connections: 0, overflowPackets: 0, latePackets: 0, unmatchedIcmp: 0, peakTracked: 0 };
  private readonly table = new ConnectionTable<Entry>();
  private sweepAt = 0;
  /** Capture time as eviction sees it: never backwards, not moved by one wild timestamp. */
  private now = 0;
  private pendingJump = 0;
  /** Connections left to report at capture end, last stream first (see finish). */
  private closing: Connection[] | null = null;
  /** The packet being handled (reused; see Moment). */
  private readonly at: Moment = { frame: 0, time: 0 };
  private readonly spare: Connection[] = [];
  private readonly addresses = new SharedAddresses();
  private readonly duplicates = new DuplicateWindow();
  /**
   * Connection attempts by client address and server endpoint, each key's newest first,
   * linked through Connection.nextAttempt, so a new SYN can mark the unanswered ones
   * its client had left behind (see markSuperseded).
   */
  private readonly attempts = new Map<number, Connection>();
  /** Host pairs (pathKey) seen in a one-sided connection: see noteOneSidedPath. */
  private readonly oneSidedPaths = new Set<number>();

  constructor(
    /**
     * Receives each finished connection, why, and the capture time of the report. The
     * object is used again for a later connection once this returns: take what you
     * need (trackedConnection does) and keep no reference.
     */
    private readonly report: (c: Connection, reason: ReportReason, at: number) => void,
    options: Partial<TrackerOptions> = {},
  ) {
    this.options = { ...DEFAULT_TRACKER_OPTIONS, ...options };
  }

  /** A decoded TCP segment (outcome 'tcp'); returns the stream it joined, or -1 (untracked, or late). */
  segment(rec: PacketRecord, d: PacketDecoder): number {
    const { ip, tcp, tunnel } = d;
    const at = this.begin(rec);
    const hash = flowHash(ip.version, ip.src, tcp.srcPort, ip.dst, tcp.dstPort, tunnel === null ? 0 : tunnel.id);
    let e = this.table.find(hash, ip.version, ip.src, tcp.srcPort, ip.dst, tcp.dstPort, tunnel);
    const pureSyn = (tcp.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    let conn: Connection | undefined;
    if (e === undefined) {
      conn = this.open(hash, ip.version, ip.src, tcp.srcPort, ip.dst, tcp.dstPort, tunnel, tcp.flags);
      if (conn === undefined) return -1;
    } else {
      const side = e.sideOf(ip.src, tcp.srcPort);
      const base = e instanceof Tombstone ? e.base[side] : e.dirs[side].baseSet ? e.dirs[side].base : null;
      if (pureSyn && base !== null && tcp.seq !== base) {
        conn = this.reuse(e, hash, ip.version, ip.src, tcp.srcPort, ip.dst, tcp.dstPort, tcp.flags);
      } else if (e instanceof Tombstone) {
        this.stats.latePackets++;
        e.end = at.time;
        this.table.touch(e, TOMBSTONES);
        return e.stream;
      } else {
        conn = e;
        // A SYN sent again, unanswered: the attempt joins its client's list (listAttempt).
        if (pureSyn && side === 0 && e.synSide === 0 && !e.attemptListed && e.dirs[1].segments === 0) this.listAttempt(e);
      }
    }
    conn.segment(conn.sideOf(ip.src, tcp.srcPort), tcp, at, ip, d.data, this.duplicates.isDuplicate(conn.stream, ip.id, tcp, at));
    if (conn.predecessorSettled) this.reportPredecessor(conn);
    if (conn.oneSidedSeen) this.noteOneSidedPath(conn);
    this.table.touch(conn, conn.closed ? CLOSED : LIVE);
    return conn.stream;
  }

  /** A decoded ICMP error quoting a TCP header (outcome 'icmp-error'). */
  icmpError(rec: PacketRecord, d: PacketDecoder): void {
    const e = d.icmp;
    const q = e.quoted;
    const tunnel = d.tunnel;
    const at = this.begin(rec);
    const hash = flowHash(q.version, q.src, e.quotedSrcPort, q.dst, e.quotedDstPort, tunnel === null ? 0 : tunnel.id);
    let found = this.table.find(hash, q.version, q.src, e.quotedSrcPort, q.dst, e.quotedDstPort, tunnel);
    if (found === undefined) {
      // Wireshark dissects a fully quoted TCP header as TCP and so opens a conversation
      // (and a stream number) for it; from 8 quoted bytes it cannot, and neither do we.
      if (e.quotedTcpBytes < 20) {
        this.stats.unmatchedIcmp++;
        return;
      }
      found = this.open(hash, q.version, q.src, e.quotedSrcPort, q.dst, e.quotedDstPort, tunnel, NO_SEGMENT);
      if (found === undefined) return;
    }
    if (found instanceof Tombstone) {
      this.stats.latePackets++;
      return;
    }
    found.icmpError(found.sideOf(q.src, e.quotedSrcPort), e, at);
    found.end = at.time;
    this.table.touch(found, found.list);
  }

  /** Stamps the reused moment with this packet and moves the eviction clock. */
  private begin(rec: PacketRecord): Moment {
    const at = this.at;
    at.frame = rec.frame;
    at.time = rec.tsSec + rec.tsNsec / 1e9;
    this.advanceClock();
    return at;
  }

  /**
   * End of capture: every connection still held is reported, in stream order, at most
   * `batch` per call; true while some are left. A SYN flood ends with hundreds of
   * thousands held: the caller lets the consumer drain between batches, or the reports
   * of the whole burst would queue up in memory at once.
   */
  finish(captureEnd: number, batch = Infinity): boolean {
    if (this.closing === null) {
      const held: Connection[] = [];
      for (const e of this.table.entries()) if (e instanceof Connection) held.push(e);
      // Reversed, so each batch pops from the end.
      this.closing = held.sort((a, b) => b.stream - a.stream);
    }
    for (let n = 0; n < batch && this.closing.length > 0; n++) this.retire(this.closing.pop()!, 'capture-end', captureEnd, false);
    return this.closing.length > 0;
  }

  /** Connections currently held (live and closed-but-quiet). */
  get tracked(): number {
    return this.table.counts[LIVE]! + this.table.counts[CLOSED]!;
  }

  private open(hash: number, version: 4 | 6, src: AddressWords, srcPort: number, dst: AddressWords, dstPort: number, tunnel: TunnelChain | null, flags: number): Connection | undefined {
    if (this.tracked >= this.options.maxConnections) {
      this.stats.overflowPackets++;
      return undefined;
    }
    const c = this.newConnection(hash, version, src, srcPort, dst, dstPort, tunnel, flags);
    this.table.insert(c, LIVE);
    if ((flags & (TCP_SYN | TCP_ACK)) === TCP_SYN) this.markSuperseded(c);
    this.stats.peakTracked = Math.max(this.stats.peakTracked, this.tracked);
    return c;
  }

  /** A SYN with a new ISN on a 4-tuple in use: the old connection is over. */
  private reuse(old: Entry, hash: number, version: 4 | 6, src: AddressWords, srcPort: number, dst: AddressWords, dstPort: number, flags: number): Connection {
    const { frame, time } = this.at;
    const c = this.newConnection(hash, version, src, srcPort, dst, dstPort, old.tunnel, flags);
    c.flags.add('port-reuse');
    this.table.replace(old, c, LIVE);
    this.markSuperseded(c);
    if (old instanceof Connection) {
      this.forgetAttempt(old);
      this.reportPredecessor(old);
      const reopener = old.sideOf(src, srcPort);
      old.reopenedBy = reopener;
      for (const end of old.ends) end.reusedBy(frame, time);
      // A side that opens anew on the same ports had lost the old connection.
      old.ends[reopener].lostBy(frame, time);
      // Its peer may still hold it, and answer this SYN with that connection's ACK; the
      // RST to that ACK ends it. Reported once the SYN is answered (reportPredecessor).
      if (old.ends[1 - reopener]!.holdsConnection) c.predecessor = old;
      else this.reportReplaced(old, time);
    }
    return c;
  }

  /**
   * A pure SYN opened `c` (endpoint 0 its client). Earlier attempts of the same client
   * host to the same server endpoint that were never answered and sent nothing for
   * RETRY_AFTER_SECONDS before this SYN are marked superseded: a client that tries again
   * on a new port has given up on them (a browser's connect timeout, macOS's 75 s). Only
   * attempts that had to repeat their SYN are listed (listAttempt), so a capture whose
   * SYNs are answered pays a size check per connection, no map.
   */
  private markSuperseded(c: Connection): void {
    if (this.attempts.size === 0) return;
    const time = this.at.time;
    for (let old = this.attempts.get(attemptKey(c)) ?? null; old !== null; old = old.nextAttempt) {
      const same = old.version === c.version && old.port[1] === c.port[1] && sameAddress(old.addr[0], c.addr[0]) && sameAddress(old.addr[1], c.addr[1]);
      if (same && old.dirs[1].segments === 0 && time - old.end >= RETRY_AFTER_SECONDS && old.supersededAt < old.end) {
        old.supersededBy = c.stream;
        old.supersededAt = time;
      }
    }
  }

  /** Lists an unanswered attempt under its client host and server endpoint, newest first, at most MAX_ATTEMPTS. */
  private listAttempt(c: Connection): void {
    const key = attemptKey(c);
    const head = this.attempts.get(key) ?? null;
    let n = 1;
    for (let old = head; old !== null; old = old.nextAttempt, n++) {
      if (n === MAX_ATTEMPTS - 1) {
        // The oldest beyond the limit stay tracked, no longer followed.
        for (let rest = old.nextAttempt; rest !== null; rest = rest.nextAttempt) rest.attemptListed = false;
        old.nextAttempt = null;
        break;
      }
    }
    c.attemptKey = key;
    c.attemptListed = true;
    c.nextAttempt = head;
    this.attempts.set(key, c);
  }

  /** Takes a connection that is being reported out of its attempt list. */
  private forgetAttempt(c: Connection): void {
    if (!c.attemptListed) return;
    c.attemptListed = false;
    const head = this.attempts.get(c.attemptKey);
    if (head === c) {
      if (c.nextAttempt === null) this.attempts.delete(c.attemptKey);
      else this.attempts.set(c.attemptKey, c.nextAttempt);
    } else {
      for (let p = head ?? null; p !== null; p = p.nextAttempt) {
        if (p.nextAttempt === c) {
          p.nextAttempt = c.nextAttempt;
          break;
        }
      }
    }
    c.nextAttempt = null;
  }

  /** The next stream, in a spare object when there is one. */
  private newConnection(hash: number, version: 4 | 6, src: AddressWords, srcPort: number, dst: AddressWords, dstPort: number, tunnel: TunnelChain | null, flags: number): Connection {
    const stream = this.stats.connections++;
    const spare = this.spare.pop();
    const c = spare !== undefined ? spare.restart(stream, version, src, srcPort, dst, dstPort, flags, this.at) : new Connection(stream, version, src, srcPort, dst, dstPort, flags, this.at);
    c.hash = hash;
    c.tunnel = tunnel;
    return c;
  }

  /** A reported connection's object, out of the table, kept for a new connection. */
  private recycle(c: Connection): void {
    if (this.spare.length < this.options.spareConnections) this.spare.push(c);
  }

  /** The connection a new SYN replaced, reported as it stood at `time`. */
  private reportReplaced(old: Connection, time: number): void {
    old.finalize(time);
    this.emit(old, 'port-reuse', time);
    this.recycle(old);
  }

  /** Hands a finalised connection to the report callback, with what the capture showed of its path. */
  private emit(c: Connection, reason: ReportReason, at: number): void {
    c.pathOneSided = this.oneSidedPaths.size > 0 && this.oneSidedPaths.has(pathKey(c));
    this.report(c, reason, at);
  }

  /**
   * A connection between these two hosts was captured one direction only: so, very
   * likely, is every other (an asymmetric route, a one-sided SPAN port). Kept for the
   * diagnosis of those whose answers the capture lacks; forgotten past MAX_PATHS.
   */
  private noteOneSidedPath(c: Connection): void {
    c.oneSidedSeen = false;
    if (this.oneSidedPaths.size >= MAX_PATHS) this.oneSidedPaths.clear();
    this.oneSidedPaths.add(pathKey(c));
  }

  /** Reports the connection `c` replaced, if it still holds one (see Connection.predecessor). */
  private reportPredecessor(c: Connection): void {
    const old = c.predecessor;
    if (old === null) return;
    c.predecessor = null;
    c.predecessorSettled = false;
    this.reportReplaced(old, old.endingRst?.time ?? this.at.time);
  }

  /** Reports `c` and leaves a tombstone in its place (or nothing, at capture end). */
  private retire(c: Connection, reason: ReportReason, now: number, tombstone: boolean): void {
    this.forgetAttempt(c);
    this.reportPredecessor(c);
    c.finalize(now);
    if (reason === 'idle') c.flags.add('idle-evicted');
    if (tombstone) this.table.replace(c, new Tombstone(c, this.addresses), TOMBSTONES);
    else this.table.remove(c);
    this.emit(c, reason, now);
    this.recycle(c);
  }

  /**
   * Moves the eviction clock. Captures hold the odd corrupt timestamp decades away
   * (one is in the public corpus); a single one must not evict every connection, so a
   * jump of more than a day counts only when the next packet confirms it.
   */
  private advanceClock(): void {
    const at = this.at;
    if (at.time <= this.now) return;
    if (this.now !== 0 && at.time - this.now > CLOCK_JUMP_SECONDS) {
      const confirmed = this.pendingJump !== 0 && Math.abs(at.time - this.pendingJump) < CLOCK_JUMP_SECONDS;
      this.pendingJump = at.time;
      if (!confirmed) return;
      this.endRecording(this.now);
    }
    this.pendingJump = 0;
    this.now = at.time;
    if (this.now >= this.sweepAt) this.sweep();
  }

  /**
   * A day without a single packet, then packets again: the file joins recordings made
   * apart (merged or concatenated captures, docs/endings.md "Real captures are imperfect").
   * The gap is no connection's silence: those of the earlier recording end with it, at
   * its last packet, as at the end of a capture.
   */
  private endRecording(end: number): void {
    const ended: Connection[] = [];
    for (const e of this.table.entries()) if (e instanceof Connection && e.end <= end) ended.push(e);
    for (const c of ended.sort((a, b) => a.stream - b.stream)) this.retire(c, 'capture-end', end, true);
  }

  /** Reports closed-and-quiet and idle connections, forgets old tombstones (once a second). */
  private sweep(): void {
    const now = this.now;
    this.sweepAt = now + 1;
    const o = this.options;
    for (let e = this.table.oldest(CLOSED); e !== null && e.end < now - o.closedQuietSeconds; e = this.table.oldest(CLOSED)) {
      const c = e as Connection;
      // Roles still guessed (no SYN seen): held, for a later SYN on the same ports to name
      // the client (roles() in report.ts), as long as a tombstone would have lasted.
      if (c.synSide === null && c.synAckSide === null && this.table.counts[HELD]! < MAX_HELD) this.table.touch(c, HELD);
      else this.retire(c, 'closed', now, true);
    }
    for (let e = this.table.oldest(HELD); e !== null && e.end < now - o.tombstoneSeconds; e = this.table.oldest(HELD)) {
      this.retire(e as Connection, 'closed', now, true);
    }
    for (let e = this.table.oldest(LIVE); e !== null && e.end < now - o.idleSeconds; e = this.table.oldest(LIVE)) {
      this.retire(e as Connection, 'idle', now, true);
    }
    for (let e = this.table.oldest(TOMBSTONES); e !== null && e.end < now - o.tombstoneSeconds; e = this.table.oldest(TOMBSTONES)) {
      this.table.remove(e);
    }
  }
}
