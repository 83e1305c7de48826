import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../decode/tcp.js';
import { CLOSED, ESTABLISHED, INACTIVE, PARTIAL, RESET, SYN_ACK_SENT, SYN_SENT, ZeekEndpoint, type EndpointOwner } from './endpoint.js';
import type { ZeekParams } from './params.js';
import { TIMER_ATTEMPT, TIMER_CONN_DELETE, TIMER_EXPIRE, TIMER_INACTIVITY, TIMER_RESET, type TimerOwner, type TimerQueue, type ZeekTimer } from './timers.js';

/** What a connection needs from the session table that holds it (session::Manager). */
export interface SessionTable {
  readonly timers: TimerQueue;
  /** session::Manager::Remove: the connection's row is written and it leaves the table. */
  remove(conn: ZeekConnection): void;
}

// TCPSessionAdapter's first_packet_seen bits.
const ORIG = 1;
const RESP = 2;
/** Zeek's TOO_LARGE_SEQ_DELTA (TCPSessionAdapter.cc). */
const TOO_LARGE_SEQ_DELTA = 1048576;

// TCP_Endpoint::HistoryMasks.
const HIST_SYN_PKT = 0x1;
const HIST_FIN_PKT = 0x2;
const HIST_RST_PKT = 0x4;
const HIST_FIN_RST_PKT = 0x8;
const HIST_DATA_PKT = 0x10;
const HIST_ACK_PKT = 0x20;
const HIST_MULTI_FLAG_PKT = 0x40;

/** int32 difference of two sequence numbers (Zeek's seq_delta). */
function seqDelta(a: number, b: number): number {
  return (a - b) | 0;
}

function isHandshake(state: number): boolean {
  return state === INACTIVE || state === SYN_SENT || state === SYN_ACK_SENT;
}

/** TCPSessionAdapter::get_segment_len: sequence space a segment takes. */
function segmentLength(len: number, flags: number): number {
  let n = len;
  if (flags & TCP_SYN) n++;
  if (flags & TCP_FIN) n++;
  if (flags & TCP_RST) n -= len;
  return n;
}

/**
 * One connection as Zeek keeps it: the Connection (addresses, start and last time,
 * history, its session timers: src/Conn.cc, src/session/Session.cc), its
 * TCPSessionAdapter (both endpoints, the TCP state machine and its timers:
 * src/packet_analysis/protocol/tcp/TCPSessionAdapter.cc) and its ConnSize analyzer
 * (packets and IP bytes: src/analyzer/protocol/conn-size/ConnSize.cc).
 *
 * Where this file says "Zeek" without a file, it means TCPSessionAdapter.cc.
 */
export class ZeekConnection implements EndpointOwner, TimerOwner {
  /** Next connection in the same hash bucket of the session table. */
  nextInBucket: ZeekConnection | null = null;
  inTable = true;

  readonly origAddr = new Uint32Array(4);
  readonly respAddr = new Uint32Array(4);
  origPort: number;
  respPort: number;
  readonly startTime: number;
  lastTime: number;
  history = '';
  /** Session::hist_seen (not swapped when roles flip, as in Zeek). */
  readonly hist = { seen: 0 };

  orig: ZeekEndpoint;
  resp: ZeekEndpoint;
  isActive = true;
  private partial = false;
  private firstPacketSeen = 0;
  private closeDeferred = false;
  private deferredGenEvent = false;
  private doClose = false;
  private genEvent = false;
  private establishedEvent = false;
  private seqUnderflow = false;

  /** Session inactivity timeout and its timer. */
  private inactivityTimeout = 0;
  private inactivityTimer: ZeekTimer | null = null;
  /** The adapter's own timers (Analyzer::timers). */
  private readonly analyzerTimers: ZeekTimer[] = [];

  // ConnSize_Analyzer.
  origPkts = 0;
  origIpBytes = 0;
  respPkts = 0;
  respIpBytes = 0;
  /** Sum of content_gap lengths (conn/main.zeek's content_gap handler). */
  missedBytes = 0;
  /** Seen inside a tunnel (tunnel_parents set: set_conn at new_connection, or tunnel_changed). */
  tunnelled: boolean;

  constructor(
    private readonly table: SessionTable,
    readonly params: ZeekParams,
    readonly version: 4 | 6,
    src: Uint32Array,
    srcPort: number,
    dst: Uint32Array,
    dstPort: number,
    /** IPBasedAnalyzer::NewConn's flip (TCPAnalyzer::WantConnection). */
    flip: boolean,
    t: number,
    networkTime: number,
    tunnelled: boolean,
    /** Our tracker's stream for the first packet. */
    readonly stream: number,
  ) {
    this.startTime = t;
    this.lastTime = t;
    this.tunnelled = tunnelled;
    if (flip) {
      // Connection::FlipRoles before the analyzers exist: swap the ends, add '^'.
      this.origAddr.set(dst);
      this.respAddr.set(src);
      this.origPort = dstPort;
      this.respPort = srcPort;
      this.history = '^';
    } else {
      this.origAddr.set(src);
      this.respAddr.set(dst);
      this.origPort = srcPort;
      this.respPort = dstPort;
    }
    this.orig = new ZeekEndpoint(this, true);
    this.resp = new ZeekEndpoint(this, false);
    this.orig.peer = this.resp;
    this.resp.peer = this.orig;
    // TCPSessionAdapter's constructor: ExpireTimer at network_time + tcp_SYN_timeout.
    this.addAnalyzerTimer(TIMER_EXPIRE, networkTime + params.tcpSynTimeout, false);
    // TCPAnalyzer::MakeSessionAdapter: SetInactivityTimeout(udp_inactivity_timeout).
    this.setInactivityTimeout(params.initialInactivityTimeout);
  }

  /** Whether a packet src:sport -> dst:dport belongs to this 4-tuple, either way. */
  matches(version: number, src: Uint32Array, sport: number, dst: Uint32Array, dport: number): boolean {
    if (version !== this.version) return false;
    if (sport === this.origPort && dport === this.respPort && sameAddr(src, this.origAddr) && sameAddr(dst, this.respAddr)) return true;
    return sport === this.respPort && dport === this.origPort && sameAddr(src, this.respAddr) && sameAddr(dst, this.origAddr);
  }

  /** IPBasedAnalyzer::AnalyzePacket's is_orig. */
  isFromOrig(src: Uint32Array, sport: number): boolean {
    return sport === this.origPort && sameAddr(src, this.origAddr);
  }

  // ---- EndpointOwner -------------------------------------------------------------------

  isPartial(): boolean {
    return this.partial;
  }

  addHistory(code: string): void {
    this.history += code;
  }

  /**
   * TCP_Reassembler::Gap: the history letter only while both sides are established or
   * cleanly closing (is_clean); content_gap (hence missed_bytes) under the same test unless
   * report_gaps_for_partial.
   */
  reportGap(endpoint: ZeekEndpoint, length: number): void {
    const clean = isClean(endpoint) && isClean(endpoint.peer);
    if (clean) endpoint.gap();
    if (this.params.reportGapsForPartial || clean) this.missedBytes += length;
  }

  /** TCPSessionAdapter::EndpointEOF: a deferred close goes ahead once data is delivered. */
  endpointEOF(endpoint: ZeekEndpoint): void {
    if (this.closeDeferred) {
      this.connectionClosed(endpoint, endpoint.peer, this.deferredGenEvent);
      this.closeDeferred = false;
    }
  }

  // ---- packets -------------------------------------------------------------------------

  /** Connection::CheckEncapsulation: a tunnel seen on any packet sets tunnel_parents. */
  checkEncapsulation(tunnelled: boolean): void {
    if (tunnelled) this.tunnelled = true;
  }

  /** TCPAnalyzer::ValidateChecksum failed: 'C'/'c', and the packet goes no further. */
  checksumError(isOrig: boolean): void {
    (isOrig ? this.orig : this.resp).checksumError();
  }

  /** ConnSize_Analyzer::DeliverPacket, with the is_orig the packet arrived with. */
  countPacket(isOrig: boolean, ipTotalLength: number): void {
    if (isOrig) {
      this.origPkts++;
      this.origIpBytes += ipTotalLength;
    } else {
      this.respPkts++;
      this.respIpBytes += ipTotalLength;
    }
  }

  /**
   * TCPSessionAdapter::IsReuse: a SYN (or a SYN-ACK, when the originator never spoke) that
   * starts a new connection on this 4-tuple. While neither side has closed, only a SYN
   * with another initial sequence number does (unless it is the reversed SYN of a
   * SYN/SYN-ACK pair seen out of order); once a side closed, any such SYN does.
   */
  isReuse(flags: number, seq: number): boolean {
    if (!(flags & TCP_SYN)) return false;
    let connOrig = this.orig;
    if (flags & TCP_ACK) {
      if (this.orig.state !== INACTIVE) return false;
      connOrig = this.resp;
    }
    if (!this.orig.didClose && !this.resp.didClose) {
      if (seq === connOrig.startSeq >>> 0) return false;
      if (!(flags & TCP_ACK) && connOrig.state === SYN_ACK_SENT && this.resp.state === INACTIVE && seq === this.resp.startSeq >>> 0) return false;
    }
    return true;
  }

  /**
   * TCPSessionAdapter::Process for one segment that passed the checksum test. `isOrig`
   * is the direction the packet came in as; `len` the payload length from the IP header;
   * `caplen` how much of it was captured.
   */
  process(isOrig: boolean, t: number, flags: number, baseSeq: number, ackSeq: number, window: number, len: number, caplen: number): void {
    const endpoint = isOrig ? this.orig : this.resp;
    const peer = endpoint.peer;
    this.setPartialStatus(flags, endpoint.isOrig);
    const segLen = segmentLength(len, flags);
    const seqOnePast = (baseSeq + segLen) >>> 0;
    initEndpoint(endpoint, flags, baseSeq, seqOnePast);

    const relSeq = this.relativeSeq(endpoint, baseSeq, endpoint.lastSeq, endpoint.seqWraps);
    const seqUnderflow = this.seqUnderflow;
    updateHistory(this.hist, flags, endpoint, relSeq, len);
    // update_window: only its zero-window test shows (the scaled window is 0 iff the field is).
    if (window === 0 && !(flags & TCP_RST) && peer.state !== CLOSED && endpoint.state !== RESET) endpoint.zeroWindow();

    if (!this.orig.didClose || !this.resp.didClose) this.lastTime = t;
    if (flags & TCP_FIN) {
      endpoint.finCnt++;
      endpoint.finSeq = relSeq + segLen;
    }
    if (flags & TCP_RST) endpoint.rstCnt++;

    let relAck = 0;
    if (flags & TCP_ACK) {
      if (peer.state === INACTIVE) {
        relAck = 1;
        // init_peer: number the peer as though its SYN had been seen.
        const start = (ackSeq - 1) >>> 0;
        peer.startSeq = start;
        peer.ackSeq = start;
        peer.lastSeq = start;
      } else {
        relAck = this.relativeSeq(peer, ackSeq, peer.ackSeq, peer.ackWraps);
        if (this.seqUnderflow) relAck = 0;
        else if (!(flags & TCP_RST)) {
          // update_ack_seq (acks in RSTs are not trusted).
          const delta = seqDelta(ackSeq, peer.ackSeq);
          if (!(ackSeq === 0 && delta > TOO_LARGE_SEQ_DELTA) && delta > 0) peer.updateAckSeq(ackSeq);
        }
      }
    }

    const deltaLast = updateLastSeq(endpoint, seqOnePast, flags, len);

    this.doClose = false;
    this.genEvent = false;
    this.establishedEvent = false;
    switch (endpoint.state) {
      case INACTIVE:
        this.updateInactiveState(t, endpoint, peer, baseSeq, len, isOrig, flags);
        break;
      case SYN_SENT:
      case SYN_ACK_SENT:
        this.updateSynSentState(endpoint, flags);
        break;
      case ESTABLISHED:
      case PARTIAL:
        this.updateEstablishedState(endpoint, peer, flags);
        break;
      case CLOSED:
        this.updateClosedState(t, endpoint, deltaLast, flags);
        break;
      default:
        break; // RESET: only weirds
    }
    const doClose = this.doClose;
    const genEvent = this.genEvent;

    // After the state machine, so a gap revealed by this ACK knows whether the FIN/RST came.
    if (flags & TCP_ACK) peer.reassembler.ackReceived(relAck);

    // CheckPIA_FirstPacket (with the direction the packet came in as).
    this.firstPacketSeen |= isOrig ? ORIG : RESP;

    if (len > 0 && !(flags & TCP_RST) && !seqUnderflow && caplen >= len) {
      // TCP_Endpoint::DataSent: a payload cut by the snapshot length is not reassembled
      // (weird truncated_tcp_payload), so an ACK for it later reads as a content gap.
      endpoint.reassembler.dataSent(flags & TCP_SYN ? relSeq + 1 : relSeq, len);
    }
    endpoint.reassembler.checkEOF();
    if (doClose) this.connectionClosed(endpoint, peer, genEvent);

    if (this.establishedEvent) this.connectionEstablished();
  }

  /** TCPSessionAdapter::get_relative_seq; sets seqUnderflow. */
  private relativeSeq(endpoint: ZeekEndpoint, cur: number, last: number, wraps: number): number {
    this.seqUnderflow = false;
    const delta = seqDelta(cur, last);
    if (delta < 0) {
      if (wraps !== 0 && cur > last) wraps--;
    } else if (delta > 0) {
      if (cur < last) wraps++;
    }
    if (wraps === 0) {
      const d = seqDelta(cur, endpoint.startSeq >>> 0);
      if (d < 0) this.seqUnderflow = true;
      return d;
    }
    return endpoint.toRelativeSeqSpace(cur, wraps);
  }

  /** TCPSessionAdapter::SetPartialStatus. */
  private setPartialStatus(flags: number, isOrig: boolean): void {
    if (isOrig) {
      if (!(this.firstPacketSeen & ORIG)) this.partial = !(flags & TCP_SYN) || (flags & TCP_ACK) !== 0;
    } else if (!(this.firstPacketSeen & RESP) && !this.partial) this.partial = !(flags & TCP_SYN);
  }

  /** TCP_Endpoint::SetState: leaving the handshake switches to tcp_inactivity_timeout. */
  private setState(endpoint: ZeekEndpoint, state: number): void {
    if (state === endpoint.state) return;
    if (!isHandshake(state) && isHandshake(endpoint.state) && isHandshake(endpoint.peer.state)) this.setInactivityTimeout(this.params.tcpInactivityTimeout);
    endpoint.prevState = endpoint.state;
    endpoint.state = state;
  }

  /** TCPSessionAdapter::UpdateInactiveState. */
  private updateInactiveState(t: number, endpoint: ZeekEndpoint, peer: ZeekEndpoint, baseSeq: number, len: number, isOrig: boolean, flags: number): void {
    if (flags & TCP_SYN) {
      if (isOrig) {
        this.setState(endpoint, flags & TCP_ACK ? SYN_ACK_SENT : SYN_SENT); // SYN-ACK: weird connection_originator_SYN_ack
        if (this.params.tcpAttemptDelay !== 0) this.addAnalyzerTimer(TIMER_ATTEMPT, t + this.params.tcpAttemptDelay, true);
      } else {
        if (!(flags & TCP_ACK) && peer.state === SYN_ACK_SENT && baseSeq === endpoint.startSeq >>> 0) {
          // SYN/SYN-ACK reversal (see IsReuse): flip the endpoints and establish.
          this.partial = false;
          this.flipRoles();
          this.setState(peer, ESTABLISHED);
          this.firstPacketSeen |= ORIG; // SetFirstPacketSeen(true)
        }
        if (peer.state === SYN_SENT) this.setState(peer, ESTABLISHED);
        this.setState(endpoint, ESTABLISHED);
        if (peer.state !== PARTIAL) this.establishedEvent = true; // connection_established
      }
    }
    if (flags & TCP_FIN) {
      this.setState(endpoint, CLOSED);
      this.doClose = this.genEvent = true;
    }
    if (flags & TCP_RST) {
      this.setState(endpoint, RESET);
      // A reject: the responder resets an initial SYN; or the originator resets an
      // established responder (a SYN-ACK without SYN: reverse scan).
      const reject = isOrig ? peer.state === ESTABLISHED : peer.state === SYN_SENT || peer.state === SYN_ACK_SENT;
      this.doClose = true;
      this.genEvent = !reject;
    }
    if (endpoint.state === INACTIVE) {
      if (!isOrig && len === 0 && this.orig.state === SYN_SENT) {
        // An ACK of the SYN before the SYN-ACK: not a partial connection.
      } else if (flags & TCP_ACK && peer.state === ESTABLISHED) {
        // SYN-ACK seen, not the SYN, and now a pure ACK: establish rather than partial.
        this.setState(endpoint, ESTABLISHED);
        this.partial = false;
        this.firstPacketSeen |= isOrig ? ORIG : RESP; // SetFirstPacketSeen(is_orig)
      } else {
        this.setState(endpoint, PARTIAL);
      }
    }
  }

  /** TCPSessionAdapter::UpdateSYN_SentState. */
  private updateSynSentState(endpoint: ZeekEndpoint, flags: number): void {
    if (flags & TCP_FIN) {
      this.setState(endpoint, CLOSED);
      this.doClose = this.genEvent = true;
    }
    if (flags & TCP_RST) {
      this.setState(endpoint, RESET);
      this.connectionReset();
      this.doClose = true;
    }
  }

  /** TCPSessionAdapter::UpdateEstablishedState. */
  private updateEstablishedState(endpoint: ZeekEndpoint, peer: ZeekEndpoint, flags: number): void {
    if (flags & TCP_SYN && endpoint.state === PARTIAL && peer.state === INACTIVE && !(flags & TCP_ACK)) this.setState(endpoint, SYN_SENT); // SYN_after_partial
    if (flags & TCP_FIN && !(flags & TCP_RST)) {
      this.setState(endpoint, CLOSED);
      // The peer sent a FIN and then a RST: that was a normal close after all.
      if (peer.state === RESET && peer.prevState === CLOSED) this.setState(peer, CLOSED);
      this.doClose = this.genEvent = true;
    }
    if (flags & TCP_RST) {
      this.setState(endpoint, RESET);
      this.doClose = true;
      if (peer.state !== RESET || peer.prevState !== ESTABLISHED) this.connectionReset();
    }
  }

  /**
   * TCPSessionAdapter::UpdateClosedState: a RST after our FIN counts only if the peer has
   * not closed too (after both FINs the connection stays SF). The ResetTimer is scheduled
   * whatever scripts are loaded: Zeek PR #5860 removed the `if ( connection_reset )` guard.
   */
  private updateClosedState(t: number, endpoint: ZeekEndpoint, _deltaLast: number, flags: number): void {
    if (flags & TCP_RST && endpoint.peer.state !== CLOSED) {
      this.setState(endpoint, RESET);
      if (!endpoint.didClose) this.doClose = true;
      this.addAnalyzerTimer(TIMER_RESET, t + this.params.tcpResetDelay, true);
    }
  }

  /**
   * TCPSessionAdapter::FlipRoles with Connection::FlipRoles and ConnSize's: the ends swap,
   * with their counts; '^' goes into the history. hist_seen is not swapped (as in Zeek).
   */
  private flipRoles(): void {
    const a = Uint32Array.from(this.origAddr);
    this.origAddr.set(this.respAddr);
    this.respAddr.set(a);
    const p = this.origPort;
    this.origPort = this.respPort;
    this.respPort = p;
    [this.origPkts, this.respPkts] = [this.respPkts, this.origPkts];
    [this.origIpBytes, this.respIpBytes] = [this.respIpBytes, this.origIpBytes];
    const e = this.orig;
    this.orig = this.resp;
    this.resp = e;
    this.orig.isOrig = !this.orig.isOrig;
    this.resp.isOrig = !this.resp.isOrig;
    this.firstPacketSeen = (this.firstPacketSeen & ORIG ? RESP : 0) | (this.firstPacketSeen & RESP ? ORIG : 0);
    this.partial = false;
    this.addHistory('^');
  }

  /**
   * scripts/base/protocols/conn/inactivity.zeek's connection_established handler: the
   * responder's port (or the originator's, for a half-established connection whose
   * responder port is not a likely server port) picks a longer inactivity timeout.
   * Zeek runs the handler after the packet; so does this. (Its protocol_confirmation
   * handler, for the SSH and FTP analyzers on other ports, needs protocol detection: not
   * emulated.)
   */
  private connectionEstablished(): void {
    let port = this.respPort;
    const likely = this.params.likelyServerPorts;
    if (this.orig.state === INACTIVE && !likely.has(port) && likely.has(this.origPort)) port = this.origPort;
    const timeout = this.params.portInactivityTimeouts.get(port);
    if (timeout !== undefined) this.setInactivityTimeout(timeout);
  }

  /** TCPSessionAdapter::ConnectionClosed. */
  private connectionClosed(endpoint: ZeekEndpoint, peer: ZeekEndpoint, genEvent: boolean): void {
    if (endpoint.reassembler.dataPending()) {
      // Data still to deliver: close once it is (EndpointEOF).
      this.closeDeferred = true;
      if (!this.deferredGenEvent) this.deferredGenEvent = genEvent;
      return;
    }
    this.closeDeferred = false;
    if (endpoint.didClose) return;
    endpoint.didClose = true;
    const closeComplete = endpoint.state === RESET || peer.didClose || peer.state === INACTIVE;
    if (closeComplete) {
      if (endpoint.prevState !== INACTIVE || peer.state !== INACTIVE) {
        if (this.deferredGenEvent) {
          genEvent = true;
          this.deferredGenEvent = false;
        }
        if (genEvent) this.isActive = false; // ConnectionFinished
      }
      this.cancelAnalyzerTimers();
      // ConnDeleteTimer at LastTime() + tcp_close_delay (DeleteTimer at LastTime() if 0).
      this.addAnalyzerTimer(TIMER_CONN_DELETE, this.lastTime + this.params.tcpCloseDelay, false);
    } else if (endpoint.prevState !== INACTIVE) {
      // Look for the other side closing too.
      this.addAnalyzerTimer(TIMER_EXPIRE, this.lastTime + this.params.tcpSessionTimer, false);
    }
    // else: PartialCloseTimer, scheduled only when a script handles
    // connection_partial_close, which no default script does.
  }

  /** TCPSessionAdapter::ConnectionReset. */
  private connectionReset(): void {
    this.isActive = false;
  }

  // ---- timers --------------------------------------------------------------------------

  /** Analyzer::AddTimer (ADD_ANALYZER_TIMER). */
  private addAnalyzerTimer(kind: number, time: number, doExpire: boolean): void {
    this.analyzerTimers.push(this.table.timers.add(time, kind, doExpire, this));
  }

  /** Analyzer::CancelTimers (its timers only: the session's inactivity timer stays). */
  private cancelAnalyzerTimers(): void {
    for (const timer of this.analyzerTimers) this.table.timers.remove(timer);
    this.analyzerTimers.length = 0;
  }

  /** Session::SetInactivityTimeout. */
  setInactivityTimeout(timeout: number): void {
    if (timeout === this.inactivityTimeout) return;
    if (this.inactivityTimer !== null) {
      this.table.timers.remove(this.inactivityTimer);
      this.inactivityTimer = null;
    }
    if (timeout !== 0) this.inactivityTimer = this.table.timers.add(this.lastTime + timeout, TIMER_INACTIVITY, false, this);
    this.inactivityTimeout = timeout;
  }

  /** On removal from the table: Session::CancelTimers and the adapter's Done(). */
  cancelAllTimers(): void {
    this.cancelAnalyzerTimers();
    if (this.inactivityTimer !== null) {
      this.table.timers.remove(this.inactivityTimer);
      this.inactivityTimer = null;
    }
  }

  dispatchTimer(timer: ZeekTimer, t: number, isExpire: boolean): void {
    if (timer.kind === TIMER_INACTIVITY) {
      this.inactivityTimer = null;
    } else {
      const i = this.analyzerTimers.indexOf(timer);
      if (i >= 0) this.analyzerTimers.splice(i, 1);
    }
    if (isExpire && !timer.doExpire) return;
    switch (timer.kind) {
      case TIMER_EXPIRE:
        return this.expireTimer(t);
      case TIMER_ATTEMPT:
        return this.attemptTimer();
      case TIMER_RESET:
        return this.resetTimer();
      case TIMER_CONN_DELETE:
        // Connection::DeleteTimer / Session::DeleteTimer.
        return this.table.remove(this);
      case TIMER_INACTIVITY:
        return this.inactivityTimerFired(t);
    }
  }

  /** TCPSessionAdapter::AttemptTimer: a SYN unanswered for tcp_attempt_delay. */
  private attemptTimer(): void {
    if (!this.isActive) return;
    if ((this.orig.state === SYN_SENT || this.orig.state === SYN_ACK_SENT) && this.resp.state === INACTIVE) {
      this.isActive = false;
      this.table.remove(this);
    }
  }

  /** TCPSessionAdapter::ResetTimer. */
  private resetTimer(): void {
    if (!this.isActive) return;
    if (!(this.orig.didClose && this.resp.didClose)) this.connectionReset();
    this.table.remove(this);
  }

  /** TCPSessionAdapter::ExpireTimer. */
  private expireTimer(t: number): void {
    if (!this.isActive) return;
    const o = this.orig;
    const r = this.resp;
    if (this.lastTime + this.params.tcpConnectionLinger < t) {
      if (o.didClose || r.didClose) {
        // Both closed, or one reset, or half-closed with the other side never seen.
        if ((o.didClose && r.didClose) || o.state === RESET || r.state === RESET || o.state === INACTIVE || r.state === INACTIVE) {
          this.isActive = false;
          this.table.remove(this);
          return;
        }
      }
      if (r.state === INACTIVE && o.state === INACTIVE) {
        // Nothing ever happened (every packet dropped, e.g. bad checksums).
        this.table.remove(this);
        return;
      }
    }
    this.addAnalyzerTimer(TIMER_EXPIRE, t + this.params.tcpSessionTimer, false);
  }

  /** Session::InactivityTimer. */
  private inactivityTimerFired(t: number): void {
    if (this.lastTime + this.inactivityTimeout <= t) {
      this.table.remove(this);
      return;
    }
    this.inactivityTimer = this.table.timers.add(this.lastTime + this.inactivityTimeout, TIMER_INACTIVITY, false, this);
  }
}

function sameAddr(a: Uint32Array, b: Uint32Array): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

/** TCP_Reassembler.cc is_clean. */
function isClean(e: ZeekEndpoint): boolean {
  return e.state === ESTABLISHED || (e.state === CLOSED && e.prevState === ESTABLISHED);
}

/** TCPSessionAdapter.cc init_endpoint: sequence numbers from the first segment or a new SYN. */
function initEndpoint(e: ZeekEndpoint, flags: number, firstSeq: number, lastSeq: number): void {
  switch (e.state) {
    case INACTIVE:
      if (flags & TCP_SYN) {
        e.ackSeq = firstSeq;
        e.startSeq = firstSeq;
      } else {
        // A partial connection: numbered as though a SYN had been seen, and the first
        // packet is not taken for a duplicate.
        e.ackSeq = (firstSeq - 1) >>> 0;
        e.startSeq = (firstSeq - 1) >>> 0;
        lastSeq = firstSeq;
      }
      e.lastSeq = lastSeq;
      break;
    case SYN_SENT:
    case SYN_ACK_SENT:
      if (flags & TCP_SYN && firstSeq !== e.startSeq >>> 0) {
        // SYN_seq_jump.
        e.startSeq = firstSeq;
        e.ackSeq = firstSeq;
        e.lastSeq = lastSeq;
      }
      break;
    case ESTABLISHED:
    case PARTIAL:
      if (flags & TCP_SYN) {
        // This SYN is taken to be the one that really sets the connection up.
        e.startSeq = firstSeq;
        e.ackSeq = firstSeq;
        e.lastSeq = lastSeq;
      }
      break;
    case RESET:
      if (flags & TCP_SYN && e.prevState === INACTIVE) {
        // Sequence numbers came from a RST: a SYN now re-initializes them.
        e.startSeq = firstSeq;
        e.ackSeq = firstSeq;
        e.lastSeq = lastSeq;
      }
      break;
    default:
      break;
  }
}

/**
 * TCPSessionAdapter.cc update_history: S/H/F/R again only at another sequence number,
 * D and A once per direction, Q for SYN with FIN or RST, I for FIN with RST.
 */
function updateHistory(hist: { seen: number }, flags: number, e: ZeekEndpoint, relSeq: number, len: number): void {
  const syn = (flags & TCP_SYN) !== 0;
  const fin = (flags & TCP_FIN) !== 0;
  const rst = (flags & TCP_RST) !== 0;
  const bits = (syn ? 1 : 0) + (fin ? 1 : 0) + (rst ? 1 : 0);
  if (bits > 1) {
    if (fin && rst) e.checkHistory(hist, HIST_FIN_RST_PKT, 'I');
    else e.checkHistory(hist, HIST_MULTI_FLAG_PKT, 'Q');
  } else if (bits === 1) {
    if (syn) {
      const code = flags & TCP_ACK ? 'H' : 'S';
      if (e.checkHistory(hist, HIST_SYN_PKT, code) && relSeq !== e.histLastSyn) e.addHistory(code);
      e.histLastSyn = relSeq;
    }
    if (fin) {
      // A FIN's sequence number is at the end of its data.
      if (e.checkHistory(hist, HIST_FIN_PKT, 'F') && relSeq + len !== e.histLastFin) e.addHistory('F');
      e.histLastFin = relSeq + len;
    }
    if (rst) {
      if (e.checkHistory(hist, HIST_RST_PKT, 'R') && relSeq !== e.histLastRst) e.addHistory('R');
      e.histLastRst = relSeq;
    }
  } else if (len !== 0) e.checkHistory(hist, HIST_DATA_PKT, 'D');
  else if (flags & TCP_ACK) e.checkHistory(hist, HIST_ACK_PKT, 'A');
}

/**
 * TCPSessionAdapter.cc update_last_seq: advances last_seq; a segment with payload that
 * does not advance it is a retransmission (DidRxmit: 't'/'T').
 */
function updateLastSeq(e: ZeekEndpoint, lastSeq: number, flags: number, len: number): number {
  const delta = seqDelta(lastSeq, e.lastSeq);
  if (flags & (TCP_SYN | TCP_RST) && (delta > TOO_LARGE_SEQ_DELTA || delta < -TOO_LARGE_SEQ_DELTA)) {
    // Outlandish SYN/RST sequence numbers are not trusted.
  } else if (flags & TCP_FIN && e.lastSeq === ((e.startSeq + 1) >>> 0)) {
    // Only the SYN and the FIN seen: take the FIN's (> 2 GB connections).
    e.updateLastSeq(lastSeq);
  } else if (e.state === RESET) {
    // Nothing after a RST is trusted.
  } else if (delta > 0) {
    e.updateLastSeq(lastSeq);
  } else if (len > 0) {
    e.didRxmit();
  }
  return delta;
}
