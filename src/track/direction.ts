import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpHeader } from '../decode/tcp.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from '../state/seq.js';
import type { Moment } from './connection.js';

/** What a segment is, the way an engineer reads it (bit mask; several can hold). */
export const SEG_RETRANSMISSION = 1; // repeats bytes, a SYN or a FIN already sent
export const SEG_OUT_OF_ORDER = 2; // fills a gap within moments of the later bytes
export const SEG_DUP_ACK = 4; // same ACK and window again, no data, while data is outstanding
export const SEG_ZERO_WINDOW = 8; // advertises a zero receive window
export const SEG_WINDOW_PROBE = 16; // one byte at the next sequence into a zero window
export const SEG_KEEPALIVE = 32; // seq one below the next byte, 0 or 1 byte, no SYN/FIN/RST
export const SEG_SACK = 64; // carries SACK blocks
export const SEG_GAP = 128; // starts after bytes the tap never saw from this side

/** A segment that fills a gap this soon after the gap appeared was reordered, not resent. */
const REORDER_WINDOW_SECONDS = 0.003;
/** Longest retransmission series kept (Linux gives up after at most ~16). */
const MAX_SERIES = 64;

/** Transmissions of the same unacknowledged sequence number: the back-off evidence. */
export interface RetransmissionSeries {
  seq: number;
  kind: 'syn' | 'data' | 'fin';
  frames: number[];
  times: number[];
}

/**
 * Bookkeeping for one direction of a connection: what this side sent and acknowledged.
 * Sequence numbers are held in int32 form (see state/seq.ts); relative ones are
 * `seq − base` (see `relative`).
 */
export class Direction {
  segments = 0;
  /** Payload bytes in captured segments, retransmissions included. */
  bytes = 0;
  retransmittedBytes = 0;

  /** Our SYN's sequence number, when the SYN was captured. */
  isn: number | null = null;
  /**
   * Wireshark's base_seq (packet-tcp.c): the SYN's seq, else first seq − 1, else from
   * the peer's first ACK − 1. Decides whether a later SYN is a retransmission or a new
   * connection on the same ports.
   */
  base = 0;
  baseSet = false;

  /** Next sequence number after everything this side has sent (that the tap saw). */
  nextSeq = 0;
  nextSeqSet = false;
  /** Highest ACK this side has sent, i.e. what it says it received. */
  highestAck = 0;
  ackSet = false;
  lastAck = 0;
  lastWindow = -1;
  /** Raw window field of the last segment, and the negotiated shift (-1: unknown). */
  window = 0;
  windowScale = -1;
  /** Window-scale option in our SYN (-1 none), to negotiate with the peer's. */
  offeredScale = -1;
  mss = -1;
  sackPermitted = false;

  syns = 0;
  synAcks = 0;
  fins = 0;
  rsts = 0;
  /** When this side last sent anything, and last sent payload. */
  lastFrame = 0;
  lastTime = 0;
  lastDataFrame = 0;
  lastDataTime = 0;
  /** Frame where the peer first acknowledged our FIN (0: not yet). */
  finAckedFrame = 0;
  /** When our first FIN was seen. */
  finTime = 0;
  /** Our FIN was not captured, only the peer's ACK of it (see unseenFin). */
  finInferred = false;
  /** The ACK field of our first FIN (what we had received when we closed), if it had one. */
  finAck = 0;
  finAckSet = false;
  /** Sequence number after the highest payload byte we sent (keepalive bytes aside). */
  dataEnd = 0;
  dataEndSet = false;
  /** TTL / hop limit of our last segment that was not an RST (-1: none yet). */
  ttl = -1;
  /** Frame of a segment of ours carrying MPTCP's MP_FASTCLOSE (0: none). */
  fastCloseFrame = 0;
  /** Segments that repeated the previous one's IP datagram (captured twice, sent once), and those of them with FIN. */
  duplicates = 0;
  duplicateFins = 0;
  /** First payload this side sent after the peer's FIN (a half-close, or a write to a closed peer). */
  dataAfterPeerFinFrame = 0;
  /** Keepalive probes: first and last, and whether the peer said anything after the last. */
  firstKeepaliveFrame = 0;
  lastKeepaliveFrame = 0;
  lastKeepaliveTime = 0;
  synFrame = 0;
  finFrame = 0;
  finSeq: number | null = null;
  rstFrame = 0;

  retransmissions = 0;
  outOfOrder = 0;
  dupAcks = 0;
  zeroWindows = 0;
  windowProbes = 0;
  keepalives = 0;
  sackSegments = 0;
  /** Bytes the peer acknowledged that the capture never saw from this side. */
  captureLossBytes = 0;

  /** Retransmissions of data, SYN or FIN not yet acknowledged (null when all is acked). */
  series: RetransmissionSeries | null = null;
  /** Longest series seen, for the report. */
  longestSeries = 0;

  /** The last segment was a zero-window probe, its byte at nextSeq (not counted as sent). */
  private probing = false;
  private holeStart = 0;
  private holeEnd = 0;
  private holeTime = 0;
  private lastNewSeq = 0;
  private lastNewFrame = 0;
  private lastNewTime = 0;

  /** Forgets everything, for a connection object used again (see Tracker). */
  reset(): void {
    resetDirection(this, FRESH_DIRECTION);
  }

  /** Sequence number (either form) relative to this side's base, as Wireshark shows it. */
  relative(seq: number): number {
    return seqDiff(seq, this.base) >>> 0;
  }

  /** Sets Wireshark's base_seq from our first segment, if not known yet. */
  noteBase(flags: number, seq: number): void {
    if (this.baseSet) return;
    this.base = (flags & TCP_SYN) !== 0 ? seq : seqAdd(seq, -1);
    this.baseSet = true;
  }

  /** Sets base_seq from the peer's first ACK (ack − 1), if not known yet. */
  noteBaseFromPeerAck(ack: number): void {
    if (this.baseSet) return;
    this.base = seqAdd(ack, -1);
    this.baseSet = true;
  }

  /**
   * Accounts a segment this side sent and classifies it. `peer` is the other direction
   * (its window and ACKs). A stale ACK (`staleAck`: from the socket of an earlier
   * connection on these ports) says nothing about this one: only counted. Returns SEG_* bits.
   */
  sent(t: TcpHeader, at: Moment, peer: Direction, staleAck = false): number {
    const frame = at.frame;
    const seq = t.seq;
    const flags = t.flags;
    const payload = t.payloadLength;
    const syn = (flags & TCP_SYN) !== 0;
    const fin = (flags & TCP_FIN) !== 0;
    const rst = (flags & TCP_RST) !== 0;
    const seqLength = payload + (syn ? 1 : 0) + (fin ? 1 : 0);
    const end = seqAdd(seq, seqLength);
    let kind = 0;
    this.segments++;
    if (staleAck) {
      // Its sequence and ACK numbers are the earlier connection's: counted, not taken in.
      this.lastFrame = frame;
      this.lastTime = at.time;
      return kind;
    }
    this.bytes += payload;

    if (syn) this.syns++;
    if (syn && (flags & TCP_ACK) !== 0) this.synAcks++;
    if (fin) this.fins++;
    if (rst) this.rsts++;
    if (syn) {
      if (this.isn === null) this.isn = seq;
      if (this.synFrame === 0) this.synFrame = frame;
      this.offeredScale = t.windowScale;
      if (t.mss >= 0) this.mss = t.mss;
      this.sackPermitted ||= t.sackPermitted;
      if ((flags & TCP_ACK) !== 0) this.negotiateScale(peer);
    }
    if (t.sackCount > 0) {
      kind |= SEG_SACK;
      this.sackSegments++;
    }
    if (t.window === 0 && !syn && !fin && !rst) {
      kind |= SEG_ZERO_WINDOW;
      this.zeroWindows++;
    }

    if (!this.nextSeqSet) {
      this.nextSeq = seq;
      this.nextSeqSet = true;
    }
    if (!rst && !syn && !fin && payload <= 1 && seqDiff(seq, this.nextSeq) === -1) {
      // RFC 9293 3.8.4 / Linux tcp_keepalive: a byte (or none) just below the next one.
      kind |= SEG_KEEPALIVE;
      this.keepalives++;
      if (this.firstKeepaliveFrame === 0) this.firstKeepaliveFrame = frame;
      this.lastKeepaliveFrame = frame;
      this.lastKeepaliveTime = at.time;
    } else if (seqLength === 0 && !rst && seqGt(seq, this.nextSeq)) {
      // A bare ACK's sequence number is its sender's next (RFC 9293 3.4): the bytes below
      // it were sent, though the tap never saw them (as Wireshark's nextseq takes it).
      kind |= this.gapTo(seq, at);
      this.nextSeq = seq;
    } else if (seqLength > 0 && !rst) {
      kind |= this.classifySequence(seq, end, payload, syn, fin, at, peer);
      const dataEnd = seqAdd(seq, payload + (syn ? 1 : 0));
      if (payload > 0 && (!this.dataEndSet || seqGt(dataEnd, this.dataEnd))) {
        this.dataEnd = dataEnd;
        this.dataEndSet = true;
      }
    }

    if (fin) {
      if (this.finSeq === null) this.finSeq = seqAdd(seq, payload);
      if (this.finFrame === 0) {
        this.finFrame = frame;
        this.finTime = at.time;
        this.finAckSet = (flags & TCP_ACK) !== 0;
        this.finAck = t.ack;
      }
    }
    if (t.mptcpFastClose && this.fastCloseFrame === 0) this.fastCloseFrame = frame;
    if (rst && this.rstFrame === 0) this.rstFrame = frame;
    if (payload > 0) {
      this.lastDataFrame = frame;
      this.lastDataTime = at.time;
      if (peer.finFrame !== 0 && this.dataAfterPeerFinFrame === 0) this.dataAfterPeerFinFrame = frame;
    }
    this.lastFrame = frame;
    this.lastTime = at.time;

    if ((flags & TCP_ACK) !== 0) kind |= this.noteAck(t, payload, seqLength, peer, frame);
    this.window = t.window;
    return kind;
  }

  /**
   * A segment that repeated a recent one's datagram (see DuplicateWindow): it counts
   * among the frames, as Wireshark counts it, flags included, and for nothing else.
   */
  countDuplicate(t: TcpHeader): void {
    this.segments++;
    this.duplicates++;
    const flags = t.flags;
    if ((flags & TCP_SYN) !== 0) this.syns++;
    if ((flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK)) this.synAcks++;
    if ((flags & TCP_FIN) !== 0) {
      this.fins++;
      this.duplicateFins++;
    }
    if ((flags & TCP_RST) !== 0) this.rsts++;
  }

  /**
   * Our FIN at `seq`, which the tap did not see: `at` is the peer's ACK of it (a
   * one-sided capture): our FIN from then on, marked inferred and acknowledged there, but
   * not counted among the FIN segments captured (`fins`, as Wireshark and Zeek count).
   */
  unseenFin(at: Moment, seq: number): void {
    this.finInferred = true;
    this.finFrame = at.frame;
    this.finTime = at.time;
    this.finSeq = seq;
    this.finAckedFrame = at.frame;
  }

  /** Both SYNs carried window scale: RFC 7323 2.2, otherwise no scaling either way. */
  negotiateScale(peer: Direction): void {
    const both = this.offeredScale >= 0 && peer.offeredScale >= 0;
    this.windowScale = both ? this.offeredScale : 0;
    peer.windowScale = both ? peer.offeredScale : 0;
  }

  /** The receive window this side last advertised, in bytes (raw if the scale is unknown). */
  get windowBytes(): number {
    return this.window * 2 ** Math.max(0, this.windowScale);
  }

  private classifySequence(seq: number, end: number, payload: number, syn: boolean, fin: boolean, at: Moment, peer: Direction): number {
    if (payload === 1 && !syn && !fin && seq === this.nextSeq && peer.window === 0 && peer.ackSet) {
      // A zero-window probe's byte is not taken as sent until the peer accepts it
      // (Wireshark's packet-tcp.c does not advance nextseq past it either): each repeat
      // is a probe again, not a keepalive one byte below the next.
      this.windowProbes++;
      this.probing = true;
      return SEG_WINDOW_PROBE;
    }
    // Data after a probe, right behind its byte: the peer took the byte in.
    if (this.probing && seq === seqAdd(this.nextSeq, 1)) this.nextSeq = seq;
    this.probing = false;
    let kind = 0;
    if (seqLt(seq, this.nextSeq)) {
      // Bytes below the highest sent: a fill of a gap the tap saw, or a resend.
      const fillsHole = this.holeEnd !== this.holeStart && seqGe(seq, this.holeStart) && seqLe(end, this.holeEnd);
      if (fillsHole && at.time - this.holeTime < REORDER_WINDOW_SECONDS) {
        this.outOfOrder++;
        kind |= SEG_OUT_OF_ORDER;
      } else {
        this.retransmissions++;
        this.retransmittedBytes += payload;
        kind |= SEG_RETRANSMISSION;
        this.addToSeries(seq, syn ? 'syn' : payload > 0 ? 'data' : 'fin', at);
      }
      // The gap shrinks by what filled its start or end (it may come back in pieces, each
      // reordered); a fill in its middle leaves it as it was.
      if (fillsHole) {
        if (seq === this.holeStart) this.holeStart = end;
        else if (end === this.holeEnd) this.holeEnd = seq;
        if (this.holeStart === this.holeEnd) this.holeStart = this.holeEnd = 0;
      }
    } else {
      if (seqGt(seq, this.nextSeq)) kind |= this.gapTo(seq, at);
      this.lastNewSeq = seq;
      this.lastNewFrame = at.frame;
      this.lastNewTime = at.time;
    }
    if (seqGt(end, this.nextSeq)) this.nextSeq = end;
    return kind;
  }

  /** The tap never saw [nextSeq, seq): lost before the tap, or by the capture. */
  private gapTo(seq: number, at: Moment): number {
    this.holeStart = this.nextSeq;
    this.holeEnd = seq;
    this.holeTime = at.time;
    return SEG_GAP;
  }

  private addToSeries(seq: number, kind: RetransmissionSeries['kind'], at: Moment): void {
    if (this.series === null || this.series.seq !== seq) {
      const original = seq === this.lastNewSeq;
      this.series = {
        seq,
        kind,
        frames: original ? [this.lastNewFrame] : [],
        times: original ? [this.lastNewTime] : [],
      };
    }
    if (this.series.frames.length < MAX_SERIES) {
      this.series.frames.push(at.frame);
      this.series.times.push(at.time);
    }
    this.longestSeries = Math.max(this.longestSeries, this.series.frames.length);
  }

  /** This side acknowledged `t.ack`: duplicate ACKs, capture loss, the peer's series. */
  private noteAck(t: TcpHeader, payload: number, seqLength: number, peer: Direction, frame: number): number {
    const ack = t.ack;
    let kind = 0;
    const pure = payload === 0 && seqLength === 0;
    if (pure && this.ackSet && ack === this.lastAck && t.window === this.lastWindow && peer.nextSeqSet && seqGt(peer.nextSeq, ack)) {
      this.dupAcks++;
      kind |= SEG_DUP_ACK;
    }
    if (peer.probing && ack === seqAdd(peer.nextSeq, 1)) {
      // It accepted the probe's byte: sent after all, and seen.
      peer.nextSeq = ack;
      peer.probing = false;
    }
    if (peer.nextSeqSet && seqGt(ack, peer.nextSeq)) {
      // Acknowledges bytes the tap never saw: the capture dropped them, not the network.
      peer.captureLossBytes += seqDiff(ack, peer.nextSeq);
      peer.nextSeq = ack;
    }
    if (peer.holeEnd !== peer.holeStart && seqGe(ack, peer.holeEnd)) {
      // The gap was acknowledged without ever being seen: also the capture's loss.
      peer.captureLossBytes += seqDiff(peer.holeEnd, peer.holeStart);
      peer.holeStart = peer.holeEnd = 0;
    }
    if (peer.series !== null && seqGt(ack, peer.series.seq)) peer.series = null;
    if (peer.finSeq !== null && peer.finAckedFrame === 0 && seqGt(ack, peer.finSeq)) peer.finAckedFrame = frame;
    if (!this.ackSet || seqGt(ack, this.highestAck)) this.highestAck = ack;
    this.ackSet = true;
    this.lastAck = ack;
    this.lastWindow = t.window;
    return kind;
  }
}

/** Every field as a new Direction starts: reset() copies them, so the starting values are written once. */
const FRESH_DIRECTION = new Direction();

/**
 * Copies every field of `from` into `to`, one plain assignment per field, made from the
 * field list once: Object.assign's generic copy of 50 fields, twice per connection,
 * was a visible part of tracking in the profile; plain assignments are not.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const resetDirection = new Function('to', 'from', Object.keys(FRESH_DIRECTION).map((k) => `to.${k} = from.${k};`).join('\n')) as (to: Direction, from: Direction) => void;
