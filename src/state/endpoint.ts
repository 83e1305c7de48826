import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../decode/tcp.js';
import { seqAdd, seqGe, seqGt } from './seq.js';
import { assertNever, type TcpState } from './tcp-state.js';
import { Timeline } from './timeline.js';

/** What the state machines need of a segment (copied only when a reception must wait). */
export interface SegmentFacts {
  frame: number;
  time: number;
  flags: number;
  seq: number;
  ack: number;
  /** Sequence space used: payload + 1 for SYN + 1 for FIN. */
  seqLength: number;
  /** For an RST: whether the receiver would act on it (RFC 5961, decided by the connection). */
  rstAccepted: boolean;
  /** Sent by this endpoint but not captured: inferred from the peer's ACK (a one-sided capture). */
  unseen: boolean;
}

/** Segments a receiver must acknowledge, so its later ACKs show whether it got them. */
function usesSequenceSpace(flags: number): boolean {
  return (flags & (TCP_SYN | TCP_FIN)) !== 0;
}

/** Whether another segment in flight repeats `queued[i]` (its sender retransmitted it). */
function repeatedInFlight(queued: readonly SegmentFacts[], i: number): boolean {
  const f = queued[i]!;
  for (let j = 0; j < queued.length; j++) if (j !== i && queued[j]!.seq === f.seq && queued[j]!.flags === f.flags) return true;
  return false;
}

const UNSEEN_FIN = "sent FIN (not captured: the peer's ACK shows it)";

/** A SYN or FIN left unanswered this long before the capture ended was not received. */
const UNANSWERED_SECONDS = 1;

/** RFC 9293 2MSL: Linux holds TIME-WAIT for 60 s (TCP_TIMEWAIT_LEN). */
export const TIME_WAIT_SECONDS = 60;

/**
 * One side of a connection: its state timeline, driven by what it sent (seen at the
 * tap) and what it received (inferred). Receptions are applied in path order: the tap
 * saw a segment heading here, but it counts as received before this side's next send
 * only if that send acknowledges it (its ACK covers the segment's SYN or FIN). That is
 * what tells crossing FINs (simultaneous close, RFC 9293 3.6 case 2) from a FIN
 * answered in turn. Receptions nothing contradicts are applied when the connection is
 * finalised.
 */
export class Endpoint {
  readonly timeline: Timeline;
  /** Our SYN's sequence number, once sent. */
  synSeq: number | null = null;
  /** Our FIN's sequence number, once sent. */
  finSeq: number | null = null;
  private readonly inFlight: SegmentFacts[] = [];

  constructor(initial: TcpState) {
    this.timeline = new Timeline(initial);
  }

  /** Starts over in `initial`, for a connection object used again (see Tracker). */
  restart(initial: TcpState): void {
    this.timeline.restart(initial);
    this.synSeq = null;
    this.finSeq = null;
    if (this.inFlight.length > 0) this.inFlight.length = 0;
  }

  get state(): TcpState {
    return this.timeline.state;
  }

  /** The tap saw `s` heading to this endpoint. */
  arriving(s: SegmentFacts): void {
    if (this.inFlight.length === 0 && !usesSequenceSpace(s.flags)) this.receive(s);
    else this.inFlight.push({ ...s });
    // A peer that keeps sending without this side ever answering gives no evidence;
    // bound the wait so memory stays small (the oldest are taken as received).
    if (this.inFlight.length > 32) this.deliver(1);
  }

  /** This endpoint sent `s`: first take in what it must have received before, then send. */
  sending(s: SegmentFacts): void {
    this.deliverAcknowledgedBy(s);
    this.send(s);
  }

  /**
   * End of the capture (or eviction): what is still in flight counts as received,
   * except a SYN or FIN nothing shows arrived: one its sender had to repeat, or one
   * left unanswered for more than a second before `now` (a receiver acknowledges
   * within ~40 ms; its silence means the segment, or the receiver, was lost). Segments
   * behind a lost one were lost with it (the path delivers in order).
   */
  settle(now = Infinity): void {
    const queued = this.inFlight;
    let keep = queued.length;
    for (let i = 0; i < queued.length; i++) {
      const f = queued[i]!;
      if (!usesSequenceSpace(f.flags)) continue;
      if (repeatedInFlight(queued, i) || now - f.time > UNANSWERED_SECONDS) {
        keep = i;
        break;
      }
    }
    // Setting an array's length is a call into the runtime: only when it changes.
    if (keep < queued.length) queued.length = keep;
    this.deliver(queued.length);
  }

  /**
   * This listener answered a SYN with a SYN-ACK the tap did not see (its peer's ACK
   * shows it): the SYN counts as received and the SYN-ACK as sent.
   */
  sawUnseenSynAck(time: number, frame: number): void {
    this.settle();
    if (this.state === 'LISTEN' || this.state === 'CLOSED') this.timeline.setState('SYN-RECEIVED', time, frame, 'sent SYN-ACK (not captured: the peer\'s ACK shows it)', true);
  }

  /** Linux gave up retransmitting (tcp_retries2 / tcp_syn_retries): the socket is gone. */
  gaveUp(time: number, what: string): void {
    if (this.state === 'CLOSED' || this.state === 'TIME-WAIT') return;
    this.timeline.setState('CLOSED', time, null, `gave up retransmitting ${what} (ETIMEDOUT)`, true);
  }

  /** An ICMP error that aborts a connection attempt (RFC 1122 4.2.3.9; Linux: hard errors, or a repeat). */
  connectFailed(time: number, frame: number, reason: string): void {
    if (this.state === 'SYN-SENT') this.timeline.setState('CLOSED', time, frame, `connect failed: ICMP ${reason}`, true);
  }

  /**
   * A new SYN reused this 4-tuple: a TIME-WAIT here accepted it (RFC 6191; Linux
   * takes a SYN with a higher ISN), which ends the old connection's TIME-WAIT.
   */
  reusedBy(frame: number, time: number): void {
    this.settle();
    if (this.state === 'TIME-WAIT') this.timeline.setState('CLOSED', time, frame, 'TIME-WAIT ended: a new SYN reused the ports', true);
  }

  /** Still has the connection: a socket that could answer a segment of it. */
  get holdsConnection(): boolean {
    return this.state !== 'CLOSED' && this.state !== 'TIME-WAIT' && this.state !== 'LISTEN';
  }

  /**
   * This side sent a SYN with a new ISN on the same ports while the connection was
   * still open here: it had lost it (a restart), as the new SYN shows.
   */
  lostBy(frame: number, time: number): void {
    if (this.holdsConnection) this.timeline.setState('CLOSED', time, frame, 'lost the connection: sent a new SYN on these ports', true);
  }

  /** TIME-WAIT ends after 2MSL if the capture lasted that long. */
  expireTimeWait(captureEnd: number): void {
    const entered = this.timeline.lastTime;
    if (this.state === 'TIME-WAIT' && captureEnd - entered >= TIME_WAIT_SECONDS) {
      this.timeline.setState('CLOSED', entered + TIME_WAIT_SECONDS, null, `TIME-WAIT expired (${TIME_WAIT_SECONDS} s on Linux)`, true);
    }
  }

  private deliverAcknowledgedBy(s: SegmentFacts): void {
    let upTo = 0;
    if ((s.flags & TCP_ACK) !== 0) {
      for (let i = 0; i < this.inFlight.length; i++) {
        const f = this.inFlight[i]!;
        if (usesSequenceSpace(f.flags) && seqGe(s.ack, seqAdd(f.seq, f.seqLength))) upTo = i + 1;
      }
    }
    // Answering a SYN with RST: nothing was listening, so the SYN changed nothing, nor
    // did its retransmissions (the tap may have missed the RSTs that answered them).
    if ((s.flags & TCP_RST) !== 0 && this.state === 'LISTEN') {
      while (this.inFlight.length > 0 && (this.inFlight[0]!.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN) {
        this.inFlight.shift();
        upTo = Math.max(0, upTo - 1);
      }
    }
    this.deliver(upTo);
  }

  /** Receives the first `count` segments in flight (there are that many), then any that need no evidence. */
  private deliver(count: number): void {
    for (let i = 0; i < count; i++) this.receiveQueued(this.inFlight.shift()!);
    while (this.inFlight.length > 0 && !usesSequenceSpace(this.inFlight[0]!.flags)) this.receiveQueued(this.inFlight.shift()!);
  }

  /** Never placed before this endpoint's latest step, so the timeline stays in order. */
  private receiveQueued(s: SegmentFacts): void {
    const last = this.timeline.lastFrame;
    if (s.frame < last) {
      s.frame = last; // a queued copy: re-stamping it changes nothing else
      s.time = this.timeline.lastTime;
    }
    this.receive(s);
  }

  /**
   * RFC 9293 3.10.4 and 3.10.7 (SEGMENT ARRIVES), as far as state goes. The step is
   * placed at `s.frame`/`s.time`, read only where a step is recorded: a fractional time
   * held in a local may be boxed on every call (measured as garbage per packet).
   */
  private receive(s: SegmentFacts): void {
    const t = this.timeline;
    if ((s.flags & TCP_RST) !== 0) {
      if (!s.rstAccepted) return; // RFC 5961 3.2: out of window, or a challenge ACK is due
      switch (t.state) {
        case 'LISTEN':
        case 'CLOSED':
          return; // an RST for a listener or nothing is ignored (RFC 9293 3.10.7.1-2)
        case 'SYN-SENT':
          t.setState('CLOSED', s.time, s.frame, 'received RST (connection refused)', true);
          return;
        case 'TIME-WAIT':
          // Linux (net.ipv4.tcp_rfc1337=0) lets an RST end TIME-WAIT early.
          t.setState('CLOSED', s.time, s.frame, 'received RST in TIME-WAIT', true);
          return;
        case 'SYN-RECEIVED':
        case 'ESTABLISHED':
        case 'FIN-WAIT-1':
        case 'FIN-WAIT-2':
        case 'CLOSE-WAIT':
        case 'CLOSING':
        case 'LAST-ACK':
          t.setState('CLOSED', s.time, s.frame, 'received RST', true);
          return;
        default:
          return assertNever(t.state);
      }
    }
    if ((s.flags & TCP_ACK) !== 0) this.receiveAck(s);
    if ((s.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN) this.receiveSyn(s);
    if ((s.flags & TCP_FIN) !== 0) this.receiveFin(s);
  }

  private receiveAck(s: SegmentFacts): void {
    const t = this.timeline;
    // A SYN the capture missed (it began at the SYN-ACK) cannot be checked: taken as acked.
    const ackedSyn = this.synSeq === null || seqGt(s.ack, this.synSeq);
    const ackedFin = this.finSeq !== null && seqGt(s.ack, this.finSeq);
    switch (t.state) {
      case 'SYN-SENT':
        if ((s.flags & TCP_SYN) !== 0 && ackedSyn) t.setState('ESTABLISHED', s.time, s.frame, 'received SYN-ACK', true);
        return;
      case 'SYN-RECEIVED':
        if (ackedSyn) t.setState('ESTABLISHED', s.time, s.frame, 'received ACK of our SYN', true);
        return;
      case 'FIN-WAIT-1':
        if (ackedFin) t.setState('FIN-WAIT-2', s.time, s.frame, 'received ACK of our FIN', true);
        return;
      case 'CLOSING':
        if (ackedFin) t.setState('TIME-WAIT', s.time, s.frame, 'received ACK of our FIN', true);
        return;
      case 'LAST-ACK':
        if (ackedFin) t.setState('CLOSED', s.time, s.frame, 'received ACK of our FIN', true);
        return;
      case 'CLOSED':
      case 'LISTEN':
      case 'ESTABLISHED':
      case 'FIN-WAIT-2':
      case 'CLOSE-WAIT':
      case 'TIME-WAIT':
        return;
      default:
        return assertNever(t.state);
    }
  }

  private receiveSyn(s: SegmentFacts): void {
    const t = this.timeline;
    switch (t.state) {
      case 'LISTEN':
        t.setState('SYN-RECEIVED', s.time, s.frame, 'received SYN', true);
        return;
      case 'SYN-SENT':
        t.setState('SYN-RECEIVED', s.time, s.frame, 'received SYN (simultaneous open)', true);
        return;
      case 'CLOSED':
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
      case 'FIN-WAIT-1':
      case 'FIN-WAIT-2':
      case 'CLOSE-WAIT':
      case 'CLOSING':
      case 'LAST-ACK':
      case 'TIME-WAIT':
        return; // a retransmitted or stray SYN changes nothing here
      default:
        return assertNever(t.state);
    }
  }

  private receiveFin(s: SegmentFacts): void {
    const t = this.timeline;
    switch (t.state) {
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
        t.setState('CLOSE-WAIT', s.time, s.frame, 'received FIN', true);
        return;
      case 'FIN-WAIT-1':
        t.setState('CLOSING', s.time, s.frame, 'received FIN before the ACK of ours (simultaneous close)', true);
        return;
      case 'FIN-WAIT-2':
        t.setState('TIME-WAIT', s.time, s.frame, 'received FIN', true);
        return;
      case 'CLOSED':
      case 'LISTEN':
      case 'SYN-SENT':
      case 'CLOSE-WAIT':
      case 'CLOSING':
      case 'LAST-ACK':
      case 'TIME-WAIT':
        return; // a retransmitted FIN, or one for a connection this side no longer has
      default:
        return assertNever(t.state);
    }
  }

  /** RFC 9293 3.10 (OPEN, CLOSE, ABORT as seen on the wire). */
  private send(s: SegmentFacts): void {
    const t = this.timeline;
    const flags = s.flags;
    if ((flags & TCP_RST) !== 0) {
      const cause = t.state === 'LISTEN' ? 'sent RST (nothing listening)' : 'sent RST';
      t.setState('CLOSED', s.time, s.frame, cause, false);
      return;
    }
    if ((flags & TCP_SYN) !== 0) {
      if (this.synSeq === null) this.synSeq = s.seq;
      this.sendSyn(s);
    }
    if ((flags & TCP_FIN) !== 0) {
      if (this.finSeq === null) this.finSeq = seqAdd(s.seq, s.seqLength - 1);
      this.sendFin(s);
    }
  }

  private sendSyn(s: SegmentFacts): void {
    const t = this.timeline;
    const withAck = (s.flags & TCP_ACK) !== 0;
    const { frame, time } = s;
    switch (t.state) {
      case 'CLOSED':
      case 'LISTEN':
        if (withAck) t.setState('SYN-RECEIVED', time, frame, 'sent SYN-ACK', false);
        else t.setState('SYN-SENT', time, frame, 'sent SYN', false);
        return;
      case 'SYN-SENT':
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
      case 'FIN-WAIT-1':
      case 'FIN-WAIT-2':
      case 'CLOSE-WAIT':
      case 'CLOSING':
      case 'LAST-ACK':
      case 'TIME-WAIT':
        return; // a retransmission
      default:
        return assertNever(t.state);
    }
  }

  private sendFin(s: SegmentFacts): void {
    const t = this.timeline;
    const { frame, time } = s;
    switch (t.state) {
      case 'SYN-RECEIVED':
      case 'ESTABLISHED':
        t.setState('FIN-WAIT-1', time, frame, s.unseen ? UNSEEN_FIN : 'sent FIN', s.unseen);
        return;
      case 'CLOSE-WAIT':
        t.setState('LAST-ACK', time, frame, s.unseen ? UNSEEN_FIN : 'sent FIN', s.unseen);
        return;
      case 'CLOSED':
      case 'LISTEN':
      case 'SYN-SENT':
      case 'FIN-WAIT-1':
      case 'FIN-WAIT-2':
      case 'CLOSING':
      case 'LAST-ACK':
      case 'TIME-WAIT':
        return; // a retransmitted FIN, or a FIN where no connection is open
      default:
        return assertNever(t.state);
    }
  }
}
