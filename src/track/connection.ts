import type { TunnelChain } from '../decode/tunnel.js';
import type { AddressWords } from '../decode/address.js';
import { newAddress } from '../decode/address.js';
import { isDestUnreachable, type IcmpError } from '../decode/icmp.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, type TcpHeader } from '../decode/tcp.js';
import { Endpoint, type SegmentFacts } from '../state/endpoint.js';
import { gaveUp } from '../state/backoff.js';
import { seqAdd, seqGe, seqGt, seqLt } from '../state/seq.js';
import type { TcpState } from '../state/tcp-state.js';
import { Direction, SEG_GAP, SEG_KEEPALIVE, SEG_RETRANSMISSION, SEG_ZERO_WINDOW } from './direction.js';
import { ZeekHistory } from './history.js';
import { sideOf } from './table.js';

/** In alphabetical order, so a connection's flags come out sorted (see ConnectionFlags.list). */
export const CONNECTION_FLAGS = [
  'capture-loss', // the peer acknowledged bytes the capture never saw
  'data-after-fin', // data kept flowing in the open direction after the peer's FIN (half-close)
  'hardware-duplicates', // the same IP datagram captured twice (counted once, never a retransmission)
  'icmp', // ICMP errors quote this connection's packets
  'idle-evicted', // finalised because it was idle past the limit, not because it ended
  'keepalive',
  'late-segments', // segments after both sides had closed
  'midstream', // the handshake was not captured
  'old-incarnation-rst', // an RST here answered a stale ACK: it ended an earlier connection on these ports
  'one-sided', // only one direction was captured; the other is inferred from the ACKs
  'port-reuse', // a SYN with a new ISN opened this connection on a 4-tuple already in use
  'rst-challenged', // an in-window RST with an inexact sequence number: challenge ACK, no reset
  'rst-ignored', // an RST outside the receive window, ignored by the receiver (RFC 5961 3.2)
  'simultaneous-open',
  'zero-window',
] as const;

export type ConnectionFlag = (typeof CONNECTION_FLAGS)[number];

/**
 * A connection's flags as bits. A Set's clear() allocates a new table, once per
 * connection object used again (most connections carry a flag: port-reuse), which
 * dominated Connection.restart in the benchmark.
 */
export class ConnectionFlags {
  private bits = 0;

  add(flag: ConnectionFlag): void {
    this.bits |= 1 << CONNECTION_FLAGS.indexOf(flag);
  }

  has(flag: ConnectionFlag): boolean {
    return (this.bits & (1 << CONNECTION_FLAGS.indexOf(flag))) !== 0;
  }

  clear(): void {
    this.bits = 0;
  }

  /** The flags set, sorted. */
  list(): ConnectionFlag[] {
    const list: ConnectionFlag[] = [];
    for (let i = 0; i < CONNECTION_FLAGS.length; i++) if ((this.bits & (1 << i)) !== 0) list.push(CONNECTION_FLAGS[i]!);
    return list;
  }
}

/**
 * The first RST that took effect, with what the diagnosis needs to tell an abort from
 * a write to a closed peer, a stale connection, a late FIN or a keepalive give-up.
 */
export interface EndingRst {
  side: 0 | 1;
  frame: number;
  time: number;
  withAck: boolean;
  /** The RST's sender had sent its FIN before. */
  senderHadClosed: boolean;
  /** The peer had sent data after the sender's FIN (writing to a closed connection). */
  peerWroteAfterClose: boolean;
  /** The peer's latest segment before the RST carried a FIN. */
  answersFin: boolean;
  /**
   * Seconds the RST's sender had been silent before it; null if it never spoke (as
   * JSON says it, so a report read back from JSON is the same object).
   */
  senderSilence: number | null;
  /** Seconds since the peer's previous segment. */
  peerSilence: number;
  /** The sender's keepalive probes had gone unanswered: Linux's keepalive give-up. */
  afterUnansweredKeepalives: boolean;
  /**
   * The peer had sent data that the sender had not acknowledged when it sent its FIN:
   * data that reached it after close(), which Linux answers with RST (after-close).
   */
  unreadAtClose: boolean;
  /** Seconds from the sender's FIN to the RST (null: it sent no FIN). */
  sinceSenderFin: number | null;
  /**
   * Why the RST was made by a middlebox in the sender's name rather than by its host
   * (docs/endings.md, reset kind injected), or null: its TTL (hop limit) unlike the
   * sender's other packets, or a reason text naming the device.
   */
  injected: string | null;
  /** The RST's payload when it is text (a device's reason, RFC 1122 4.2.2.12), else null. */
  text: string | null;
  /** Frame where the receiver had sent MPTCP's MP_FASTCLOSE, which this RST answers (0: none). */
  answersFastClose: number;
  /** States just before the RST. */
  senderState: TcpState;
  receiverState: TcpState;
}

/** An ICMP error quoting one of this connection's packets. */
export interface IcmpEvent {
  frame: number;
  time: number;
  version: 4 | 6;
  type: number;
  code: number;
  /** The endpoint (0: first sender, 1: the other) whose packet was quoted. */
  about: 0 | 1;
  quotedSeq: number;
}

const MAX_ICMP_EVENTS = 32;
/** Nothing more is expected from a side in these states but strays. (Compared, not looked up in a Set: asked for every packet, the Set showed in tracking's profile.) */
const isClosedState = (s: TcpState): boolean => s === 'CLOSED' || s === 'TIME-WAIT';

/** What the connection reads of a segment's IP header (IpHeader fits it). */
export interface IpFacts {
  version: 4 | 6;
  ttl: number;
}

/** Middleboxes known to put their name in the RSTs they send (the reason text F5 BIG-IP writes, ...). */
const DEVICE_NAMES = /BIG-?IP|\bF5\b|NetScaler|Citrix|Forti(Gate|net)|Palo ?Alto|PAN-OS|Check ?Point|Cisco|SonicWall|Sophos|Juniper|Zscaler|Barracuda|pfSense|load.?balancer|firewall/i;

/** An RST's payload as text, when it is printable ASCII (a reason some devices send), else null. */
function rstText(data: Buffer | null, t: TcpHeader): string | null {
  if (data === null || t.capturedPayload < 4) return null;
  let text = '';
  for (let i = 0; i < t.capturedPayload; i++) {
    const c = data[t.payloadOffset + i]!;
    if (c === 0 && i > 0) break;
    if (c < 0x20 || c > 0x7e) return null;
    text += String.fromCharCode(c);
  }
  return text.length >= 4 ? text : null;
}

/** First-packet flags for a connection known only from an ICMP error quoting it. */
export const NO_SEGMENT = -1;

/**
 * When a packet was seen. The tracker fills one reused instance per packet and passes
 * the object: a fractional time passed as a plain argument to a call V8 does not inline
 * is boxed in a fresh heap number: garbage per packet.
 */
export interface Moment {
  frame: number;
  /** Seconds since the epoch. */
  time: number;
}

/** Scratch facts handed to the state machines (they copy what they keep). */
const facts: SegmentFacts = { frame: 0, time: 0, flags: 0, seq: 0, ack: 0, seqLength: 0, rstAccepted: false, unseen: false };

/**
 * One TCP connection: its two endpoints in the order the capture first saw them
 * (endpoint 0 sent the first packet), what each sent, each one's state timeline, and
 * what happened to it. Roles (client/server) are derived at report time.
 */
export class Connection {
  readonly addr: [AddressWords, AddressWords] = [newAddress(), newAddress()];
  readonly port: [number, number] = [0, 0];
  readonly dirs: [Direction, Direction] = [new Direction(), new Direction()];
  readonly ends: [Endpoint, Endpoint] = [new Endpoint('CLOSED'), new Endpoint('CLOSED')];
  readonly flags = new ConnectionFlags();
  readonly icmp: IcmpEvent[] = [];
  // Initialised here, not only in the constructor: an ES2022 class field is first
  // defined as undefined, and a number field that starts undefined makes V8 box every
  // double stored in it (measured as garbage per packet).
  version: 4 | 6 = 4;
  /** The tunnels it rides in, outer first (decode/tunnel.ts); null for none. Set by the tracker. */
  tunnel: TunnelChain | null = null;
  firstFrame = 0;
  lastFrame = 0;
  /** Seconds since the epoch of the first and last packet. */
  start = 0;
  end = 0;
  /** Endpoint that sent the first SYN, and the first SYN-ACK, if captured. */
  synSide: 0 | 1 | null = null;
  synAckSide: 0 | 1 | null = null;
  /** Segments seen after the connection was reported (kept on its tombstone). */
  latePackets = 0;
  /** The endpoint whose new SYN reused these ports after this connection (null: none). */
  reopenedBy: 0 | 1 | null = null;
  /**
   * An ACK (no SYN) that reached an endpoint in SYN-SENT without acknowledging its SYN:
   * the peer's socket of an earlier incarnation answering (RFC 5961 4, RFC 9293 3.10.7.3).
   * The RST that answers it (seq = its ACK field) ends that earlier connection, not this one.
   */
  staleAckSide: 0 | 1 | null = null;
  staleAck = 0;
  staleAckFrame = 0;
  /** The RST that answered the stale ACK (0: none). */
  oldIncarnationRstFrame = 0;
  /**
   * The earlier connection on these ports, still open on the peer's side when this one's
   * SYN came, held unreported until this SYN is answered: its socket may answer with a
   * stale ACK, and the RST to that ends it (see Tracker.reuse). `predecessorSettled`: it
   * can be reported now.
   */
  predecessor: Connection | null = null;
  predecessorSettled = false;
  /** Set when a one-sided handshake was inferred, for the tracker to note the path (then cleared). */
  oneSidedSeen = false;
  /** Another connection between the same two hosts was captured one-sided (set by the tracker at report). */
  pathOneSided = false;
  /** This connection was reset by an RST captured in a later stream on its ports (its stream and the stale ACK's frame; -1: not). */
  endedInStream = -1;
  endedByAckFrame = 0;
  /**
   * A later attempt from the same client host to the same server endpoint, begun after
   * this unanswered attempt's last SYN (stream, time; -1: none): the client gave up on
   * this one (docs/endings.md, "Other stacks' timers"). Kept by the tracker's attempt lists.
   */
  supersededBy = -1;
  supersededAt = 0;
  nextAttempt: Connection | null = null;
  attemptKey = 0;
  attemptListed = false;
  endingRst: EndingRst | null = null;
  readonly history = new ZeekHistory();

  // Links for the table's activity lists (intrusive, so moving costs no allocation).
  hash = 0;
  prev: Connection | null = null;
  next: Connection | null = null;
  list: 0 | 1 | 2 | 3 = 0;

  stream = 0;

  constructor(stream: number, version: 4 | 6, src: AddressWords, srcPort: number, dst: AddressWords, dstPort: number, firstFlags: number, at: Moment) {
    this.restart(stream, version, src, srcPort, dst, dstPort, firstFlags, at);
  }

  /**
   * Makes this object the connection a packet just opened. The tracker uses reported
   * connections' objects again (see Tracker.recycle): a connection lives seconds, long
   * enough for V8 to move it to the old generation, and a stream of dead ones there
   * cost old-generation collections and most of the peak heap (test/bench/connection-heap.ts). A report made its own step objects from the timelines,
   * which start over here in the same arrays, and took over the retransmission series'
   * arrays, which are replaced, not cleared.
   */
  restart(stream: number, version: 4 | 6, src: AddressWords, srcPort: number, dst: AddressWords, dstPort: number, firstFlags: number, at: Moment): this {
    const { frame, time } = at;
    this.stream = stream;
    this.version = version;
    this.addr[0].set(src);
    this.addr[1].set(dst);
    this.port[0] = srcPort;
    this.port[1] = dstPort;
    this.firstFrame = this.lastFrame = frame;
    this.start = this.end = time;
    this.synSide = this.synAckSide = null;
    this.latePackets = 0;
    this.reopenedBy = null;
    this.staleAckSide = null;
    this.oldIncarnationRstFrame = 0;
    this.predecessor = null;
    this.predecessorSettled = false;
    this.endedInStream = -1;
    this.endedByAckFrame = 0;
    this.oneSidedSeen = false;
    this.pathOneSided = false;
    this.supersededBy = -1;
    this.supersededAt = 0;
    this.nextAttempt = null;
    this.attemptListed = false;
    this.endingRst = null;
    this.flags.clear();
    if (this.icmp.length > 0) this.icmp.length = 0; // a call into the runtime, even for an empty array
    this.history.reset();
    this.dirs[0].reset();
    this.dirs[1].reset();
    startEndpoints(this.ends, firstFlags, frame, time);
    if (firstFlags !== NO_SEGMENT && (firstFlags & (TCP_SYN | TCP_ACK)) !== TCP_SYN) this.flags.add('midstream');
    return this;
  }

  /** Which endpoint sent a packet from `src:srcPort` (the caller matched the 4-tuple). */
  sideOf(src: AddressWords, srcPort: number): 0 | 1 {
    return sideOf(this, src, srcPort);
  }

  /** Both sides have closed (or sit in TIME-WAIT): nothing more is expected but strays. */
  get closed(): boolean {
    return isClosedState(this.ends[0].state) && isClosedState(this.ends[1].state);
  }

  /**
   * A segment `side` sent, seen at `frame`. `ip` (its IP header) and `data` (the frame's
   * bytes) are optional: without them forged RSTs are not told apart. `duplicate`: the
   * same datagram was just captured (the tracker's DuplicateWindow).
   */
  segment(side: 0 | 1, t: TcpHeader, at: Moment, ip: IpFacts | null = null, data: Buffer | null = null, duplicate = false): void {
    const frame = at.frame;
    const peer = (1 - side) as 0 | 1;
    const out = this.dirs[side];
    const back = this.dirs[peer];
    const flags = t.flags;
    if (duplicate) {
      // One transmission captured twice: counted, and nothing else (docs/endings.md).
      out.countDuplicate(t);
      this.flags.add('hardware-duplicates');
      this.lastFrame = frame;
      this.end = at.time;
      return;
    }
    if (this.closed && (flags & TCP_SYN) === 0) this.flags.add('late-segments');

    const seq = t.seq;
    const ack = t.ack;
    const staleAck = this.isStaleAck(peer, flags, ack);
    if (staleAck) {
      this.staleAckSide = side;
      this.staleAck = ack;
      this.staleAckFrame = frame;
    }
    const oldIncarnationRst = (flags & TCP_RST) !== 0 && this.staleAckSide === peer && seq === this.staleAck && this.ends[side].state === 'SYN-SENT';
    // A stale ACK's numbers are the earlier connection's: no base for this one.
    if (!staleAck) out.noteBase(flags, seq);
    if ((flags & TCP_ACK) !== 0 && !staleAck) back.noteBaseFromPeerAck(ack);
    if ((flags & (TCP_SYN | TCP_ACK)) === TCP_SYN && this.synSide === null) this.synSide = side;
    if ((flags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK) && this.synAckSide === null) {
      this.synAckSide = side;
      if (this.synSide === side) this.flags.add('simultaneous-open');
    }

    let rstAccepted = false;
    let injected: string | null = null;
    if ((flags & TCP_RST) !== 0) {
      if (oldIncarnationRst) {
        this.flags.add('old-incarnation-rst');
        if (this.oldIncarnationRstFrame === 0) this.oldIncarnationRstFrame = frame;
        this.predecessor?.resetFromLaterStream(this, side, t, at);
      } else {
        rstAccepted = this.acceptsRst(peer, t);
        if (rstAccepted && this.endingRst === null) injected = this.noteEndingRst(side, t, at, ip, data);
        // Ignored or challenged (RFC 5961 3.2), and made by another than the sender's host
        // (a forger rarely knows the window): it changed nothing at either end.
        else if (!rstAccepted) injected = forgedBecause(out, ip, rstText(data, t));
      }
    } else if (ip !== null) out.ttl = ip.ttl;
    // Judged before this segment moves the ACK: one more than the last means a FIN.
    const ackOfUnseenFin = back.segments === 0 && (flags & (TCP_ACK | TCP_SYN | TCP_RST | TCP_FIN)) === TCP_ACK && this.isAckOfUnseenFin(side, t);
    const unseenFinSeq = out.highestAck;
    const kind = out.sent(t, at, back, staleAck);
    this.history.segment(side, flags, seq, t.payloadLength, (kind & SEG_RETRANSMISSION) !== 0, (kind & SEG_ZERO_WINDOW) !== 0);
    if ((kind & SEG_GAP) !== 0) this.history.gap(side);
    if ((kind & SEG_ZERO_WINDOW) !== 0) this.flags.add('zero-window');
    if ((kind & SEG_KEEPALIVE) !== 0) this.flags.add('keepalive');
    if (t.payloadLength > 0 && back.finFrame !== 0) this.flags.add('data-after-fin');
    this.lastFrame = frame;
    this.end = at.time;
    // The held predecessor is settled once its socket can no longer answer this SYN: the
    // RST to its stale ACK ended it, or the peer answered this connection itself.
    if (this.predecessor !== null && (oldIncarnationRst || (!staleAck && side !== this.synSide))) this.predecessorSettled = true;
    // The stale ACK came from the old socket, the RST answering it from a host with no
    // socket for it: neither moves this connection's endpoints.
    if (staleAck || oldIncarnationRst) return;
    if ((flags & (TCP_ACK | TCP_SYN | TCP_RST | TCP_FIN)) === TCP_ACK && back.segments === 0) {
      if (this.ends[side].state === 'SYN-SENT') this.handshakeSeenFromOneSide(side, at);
      else if (ackOfUnseenFin) this.finSeenFromOneSide(side, at, unseenFinSeq);
    }

    facts.frame = frame;
    facts.time = at.time;
    facts.flags = flags;
    facts.seq = seq;
    facts.ack = ack;
    facts.seqLength = t.payloadLength + ((flags & TCP_SYN) !== 0 ? 1 : 0) + ((flags & TCP_FIN) !== 0 ? 1 : 0);
    // An RST sent because the peer stopped answering probes (Linux's keepalive give-up)
    // travels the path that lost everything else: taken as not received.
    facts.rstAccepted = rstAccepted && !(this.endingRst?.frame === frame && this.endingRst.afterUnansweredKeepalives);
    // A middlebox's RST in this side's name was never sent by this side's host: its state
    // stays as it was (docs/endings.md, reset kind injected); only the receiver acts on it.
    if (injected === null) this.ends[side].sending(facts);
    this.ends[peer].arriving(facts);
  }

  /**
   * In a one-sided capture, after `side` sent its FIN: a bare ACK that moves its ACK
   * forward by exactly one acknowledges the peer's FIN (data would be acknowledged with
   * the data's length, and a closing peer sends nothing after its FIN).
   */
  private isAckOfUnseenFin(side: 0 | 1, t: TcpHeader): boolean {
    const out = this.dirs[side];
    return this.flags.has('one-sided') && out.finFrame !== 0 && t.payloadLength === 0 && out.ackSet &&
      t.ack === seqAdd(out.highestAck, 1) && this.ends[1 - side]!.finSeq === null;
  }

  /**
   * The peer's FIN, which the tap did not see, as `side`'s ACK shows it: sent just before
   * this ACK, acknowledging `side`'s FIN (which it must have, to be sent after it).
   */
  private finSeenFromOneSide(side: 0 | 1, at: Moment, seq: number): void {
    const peer = (1 - side) as 0 | 1;
    const out = this.dirs[side];
    const unseen: SegmentFacts = {
      frame: at.frame,
      time: at.time,
      flags: TCP_FIN | TCP_ACK,
      seq,
      ack: seqAdd(this.ends[side].finSeq ?? seq, 1),
      seqLength: 1,
      rstAccepted: false,
      unseen: true,
    };
    this.dirs[peer].unseenFin(at, seq);
    out.finAckedFrame = at.frame;
    this.ends[peer].sending(unseen);
    this.ends[side].arriving(unseen);
  }

  /** An ACK without SYN reaching a side in SYN-SENT that does not acknowledge its SYN. */
  private isStaleAck(receiver: 0 | 1, flags: number, ack: number): boolean {
    if ((flags & (TCP_SYN | TCP_RST | TCP_ACK)) !== TCP_ACK) return false;
    const end = this.ends[receiver];
    return end.state === 'SYN-SENT' && end.synSeq !== null && ack !== seqAdd(end.synSeq, 1);
  }

  /**
   * `side` in SYN-SENT sent a plain ACK although the capture shows nothing from its peer:
   * it must have received a SYN-ACK the tap never saw (one direction captured,
   * docs/endings.md "Real captures are imperfect"). Both ends are brought to where that
   * SYN-ACK put them; the ACK being sent then completes the handshake as usual.
   */
  private handshakeSeenFromOneSide(side: 0 | 1, at: Moment): void {
    const peer = (1 - side) as 0 | 1;
    this.flags.add('one-sided');
    this.oneSidedSeen = true;
    this.ends[peer].sawUnseenSynAck(at.time, at.frame);
    this.ends[side].timeline.setState('ESTABLISHED', at.time, at.frame, 'received SYN-ACK (not captured: its ACK shows it)', true);
  }

  /** Records the RST that ends the connection; returns why it was forged, or null. */
  private noteEndingRst(side: 0 | 1, t: TcpHeader, at: Moment, ip: IpFacts | null, data: Buffer | null): string | null {
    const flags = t.flags;
    const peer = (1 - side) as 0 | 1;
    const out = this.dirs[side];
    const back = this.dirs[peer];
    const text = rstText(data, t);
    const injected = forgedBecause(out, ip, text);
    this.endingRst = {
      side,
      frame: at.frame,
      time: at.time,
      withAck: (flags & TCP_ACK) !== 0,
      senderHadClosed: out.finFrame !== 0,
      peerWroteAfterClose: out.finFrame !== 0 && back.dataAfterPeerFinFrame > out.finFrame,
      answersFin: back.finFrame !== 0 && back.lastFrame === back.finFrame,
      senderSilence: out.lastFrame === 0 ? null : at.time - out.lastTime,
      peerSilence: back.lastFrame === 0 ? Infinity : at.time - back.lastTime,
      afterUnansweredKeepalives: out.lastKeepaliveFrame !== 0 && out.lastKeepaliveTime >= back.lastTime,
      senderState: this.ends[side].state,
      receiverState: this.ends[peer].state,
      unreadAtClose: out.finFrame !== 0 && back.dataEndSet && (!out.finAckSet || seqGt(back.dataEnd, out.finAck)),
      sinceSenderFin: out.finFrame === 0 ? null : at.time - out.finTime,
      injected,
      text,
      answersFastClose: back.fastCloseFrame,
    };
    return injected;
  }

  /**
   * The RST that `later` (the next connection on these ports) captured, answering the
   * stale ACK this connection's socket sent to its SYN: it resets this connection
   * (RFC 5961 4: the RST carries the sequence number that ACK asked for). `side` is the
   * RST's sender as `later` numbers its endpoints.
   */
  resetFromLaterStream(later: Connection, side: 0 | 1, t: TcpHeader, at: Moment): void {
    if (this.endingRst !== null || later.staleAckSide === null) return;
    const by = this.sideOf(later.addr[side], later.port[side]);
    const to = (1 - by) as 0 | 1;
    const out = this.dirs[by];
    const back = this.dirs[to];
    this.endingRst = {
      side: by,
      frame: at.frame,
      time: at.time,
      withAck: (t.flags & TCP_ACK) !== 0,
      senderHadClosed: out.finFrame !== 0,
      peerWroteAfterClose: false,
      answersFin: false,
      senderSilence: out.lastFrame === 0 ? null : at.time - out.lastTime,
      peerSilence: back.lastFrame === 0 ? Infinity : at.time - back.lastTime,
      afterUnansweredKeepalives: false,
      senderState: this.ends[by].state,
      receiverState: this.ends[to].state,
      unreadAtClose: false,
      sinceSenderFin: out.finFrame === 0 ? null : at.time - out.finTime,
      injected: null,
      text: null,
      answersFastClose: 0,
    };
    this.endedInStream = later.stream;
    this.endedByAckFrame = later.staleAckFrame;
    const receiver = this.ends[to];
    receiver.settle();
    if (receiver.state !== 'CLOSED' && receiver.state !== 'LISTEN') {
      receiver.timeline.setState('CLOSED', at.time, at.frame, `received RST (answering its ACK to a new SYN, stream ${later.stream})`, true);
    }
  }

  /** An ICMP error quoting a packet `about` sent. */
  icmpError(about: 0 | 1, e: IcmpError, at: Moment): void {
    this.flags.add('icmp');
    // RFC 1122 4.2.3.9: protocol/port unreachable (and fragmentation needed) are hard
    // errors that abort a connection attempt; Linux also aborts a blocking connect on
    // the second host unreachable (linux-notes.md). Established connections only note it.
    const unreachable = isDestUnreachable(e.version, e.type);
    const hard = e.version === 4 ? e.code === 2 || e.code === 3 || e.code === 4 : e.code === 4;
    const repeat = this.icmp.some((x) => x.about === about && x.type === e.type);
    if (unreachable && (hard || repeat)) this.ends[about].connectFailed(at.time, at.frame, `type ${e.type} code ${e.code}`);
    if (this.icmp.length < MAX_ICMP_EVENTS) {
      this.icmp.push({ frame: at.frame, time: at.time, version: e.version, type: e.type, code: e.code, about, quotedSeq: e.quotedSeq });
    }
  }

  /** End of the capture or eviction: settle what is in flight, apply the timers. */
  finalize(captureEnd: number): void {
    for (let i = 0; i < 2; i++) {
      const e = this.ends[i]!;
      e.settle(captureEnd);
      // Retransmissions that stopped longer ago than the next back-off would have been:
      // the sender gave up and its socket is gone (Linux sends nothing then).
      const series = this.dirs[i]!.series;
      if (series !== null && gaveUp(series.times, captureEnd)) {
        e.gaveUp(series.times[series.times.length - 1]!, series.kind === 'syn' ? 'its SYN' : series.kind === 'fin' ? 'its FIN' : 'data');
      }
      e.expireTimeWait(captureEnd);
    }
    if (this.dirs[0].captureLossBytes + this.dirs[1].captureLossBytes > 0) this.flags.add('capture-loss');
  }

  /**
   * Would `receiver` act on this RST? RFC 9293 3.10.7 with RFC 5961 3.2: in SYN-SENT
   * only if it acknowledges our SYN; otherwise only an RST whose sequence number is
   * exactly the next one expected resets; one elsewhere in the window draws a challenge
   * ACK, one outside it is dropped. "Next expected" is what the receiver last
   * acknowledged or, if it had not caught up yet, the sender's next byte.
   */
  private acceptsRst(receiver: 0 | 1, t: TcpHeader): boolean {
    const end = this.ends[receiver];
    // A listener that never answered holds no connection: the RST (a client abandoning
    // its SYNs, say) concerns nothing there, neither accepted nor ignored.
    if ((end.state === 'LISTEN' || end.state === 'CLOSED') && this.dirs[receiver].segments === 0) return false;
    if (end.state === 'SYN-SENT') {
      const ok = (t.flags & TCP_ACK) !== 0 && end.synSeq !== null && t.ack === seqAdd(end.synSeq, 1);
      if (!ok) this.flags.add('rst-ignored');
      return ok;
    }
    const sender = this.dirs[1 - receiver]!;
    const receiverDir = this.dirs[receiver];
    if (!receiverDir.ackSet && !sender.nextSeqSet) return true;
    const seq = t.seq;
    if ((receiverDir.ackSet && seq === receiverDir.highestAck) || (sender.nextSeqSet && seq === sender.nextSeq)) return true;
    const left = receiverDir.ackSet ? receiverDir.highestAck : sender.nextSeq;
    const window = Math.max(receiverDir.windowBytes, 1);
    if (seqGe(seq, left) && seqLt(seq, seqAdd(left, window))) this.flags.add('rst-challenged');
    else this.flags.add('rst-ignored');
    return false;
  }
}

/**
 * Why an RST in `sender`'s name was made by something else (docs/endings.md, reset kind
 * injected), or null. A host sends its RSTs with the TTL (hop limit) of its other
 * packets, and those reach the tap across the same hops; a device on the path forging
 * one starts its own count. (The DF bit is no evidence: in the public corpus hosts send
 * their own RSTs with DF unlike their data, and Linux's forged ones carry it.) A reason
 * text naming a device says so.
 */
function forgedBecause(sender: Direction, ip: IpFacts | null, text: string | null): string | null {
  if (text !== null && DEVICE_NAMES.test(text)) return `its payload names the device: "${text}"`;
  if (ip === null || sender.ttl < 0) return null;
  const hop = ip.version === 4 ? 'TTL' : 'hop limit';
  return ip.ttl !== sender.ttl ? `its ${hop} was ${ip.ttl} where the host's own packets had ${sender.ttl}` : null;
}

/**
 * Where each endpoint starts, from the first packet. A SYN: its sender is CLOSED and
 * about to connect, the other presumably listening. A SYN-ACK: the SYN was missed, so
 * the other side had sent it. Anything else: the connection was open before the
 * capture began (both ESTABLISHED, inferred).
 */
function startEndpoints(ends: [Endpoint, Endpoint], flags: number, frame: number, time: number): void {
  const synAck = TCP_SYN | TCP_ACK;
  const [first, second] = ends;
  if (flags === NO_SEGMENT) {
    first.restart('CLOSED');
    second.restart('CLOSED');
  } else if ((flags & synAck) === TCP_SYN) {
    first.restart('CLOSED');
    second.restart('LISTEN');
  } else if ((flags & synAck) === synAck) {
    first.restart('LISTEN');
    second.restart('CLOSED');
    second.timeline.setState('SYN-SENT', time, frame, 'sent SYN before the capture started', true);
  } else if ((flags & (TCP_ACK | TCP_RST)) === 0) {
    // Neither SYN nor ACK nor RST: no synchronized connection sends that (RFC 9293
    // 3.10.7.4 drops a segment without ACK); a prober's crafted packet, nothing open.
    first.restart('CLOSED');
    second.restart('CLOSED');
  } else {
    for (const e of ends) {
      e.restart('CLOSED');
      e.timeline.setState('ESTABLISHED', time, frame, 'open before the capture started', true);
    }
  }
}
