import { describe, expect, it } from 'vitest';
import { TCP_ACK as ACK, TCP_FIN as FIN, TCP_RST as RST, TCP_SYN as SYN } from '../../src/decode/tcp.js';
import { Endpoint, TIME_WAIT_SECONDS, type SegmentFacts } from '../../src/state/endpoint.js';
import type { TcpState } from '../../src/state/tcp-state.js';

/**
 * The state machine of one endpoint, driven segment by segment as the tap sees them:
 * each transition's cause, frame and inferred mark (RFC 9293 3.10), what is taken as
 * received and when (RFC 9293 3.10.7 in path order), and the end-of-capture rules.
 * Times start at 3000 s so that whole seconds added to a time are exact (one binade).
 */
class Pair {
  readonly ends: [Endpoint, Endpoint];
  frame = 0;
  time = 3000;
  /** Next sequence number of each side (ISNs 100 and 5000). */
  readonly next = [100, 5000];

  constructor(client: TcpState = 'CLOSED', server: TcpState = 'LISTEN') {
    this.ends = [new Endpoint(client), new Endpoint(server)];
  }

  /** The tap sees `side` send a segment, `after` seconds after the previous one. */
  send(side: 0 | 1, flags: number, o: { seq?: number; ack?: number; len?: number; after?: number; rstAccepted?: boolean; unseen?: boolean } = {}): number {
    this.frame++;
    this.time += o.after ?? 0.01;
    const seq = o.seq ?? this.next[side]!;
    const seqLength = (o.len ?? 0) + ((flags & SYN) !== 0 ? 1 : 0) + ((flags & FIN) !== 0 ? 1 : 0);
    const s: SegmentFacts = {
      frame: this.frame, time: this.time, flags, seq, ack: o.ack ?? this.next[1 - side]!, seqLength,
      rstAccepted: o.rstAccepted ?? true, unseen: o.unseen ?? false,
    };
    this.ends[side].sending(s);
    this.ends[1 - side]!.arriving(s);
    this.next[side] = Math.max(this.next[side]!, seq + seqLength);
    return this.frame;
  }

  /** `frame STATE cause`, `*` after the state when inferred from a received segment. */
  story(side: 0 | 1): string[] {
    return this.ends[side].timeline.steps.map((s) => `${s.frame ?? '-'} ${s.state}${s.inferred ? '*' : ''} ${s.cause}`);
  }

  settle(now = Infinity): this {
    for (const e of this.ends) e.settle(now);
    return this;
  }
}
const C = 0;
const S = 1;

/** SYN, SYN-ACK, ACK: frames 1-3. */
function established(): Pair {
  const p = new Pair();
  p.send(C, SYN, { ack: 0 });
  p.send(S, SYN | ACK);
  p.send(C, ACK);
  return p;
}

describe('the handshake', () => {
  it('records who sent and who received each step (RFC 9293 3.5)', () => {
    const p = established();
    expect(p.story(C)).toEqual(['1 SYN-SENT sent SYN', '2 ESTABLISHED* received SYN-ACK']);
    expect(p.story(S)).toEqual(['1 SYN-RECEIVED* received SYN', '3 ESTABLISHED* received ACK of our SYN']);
  });

  it('takes a SYN-ACK that does not acknowledge our SYN as nothing', () => {
    const p = new Pair();
    p.send(C, SYN, { ack: 0 });
    p.send(S, SYN | ACK, { ack: 7 });
    p.send(C, ACK, { ack: 5001 });
    expect(p.ends[C].state).toBe('SYN-SENT');
  });

  it('a bare ACK does not complete SYN-SENT: it needs the SYN with it', () => {
    const p = new Pair();
    p.send(C, SYN, { ack: 0 });
    p.send(S, ACK, { ack: 101 });
    expect(p.ends[C].state).toBe('SYN-SENT');
  });

  it('a server stays in SYN-RECEIVED until an ACK covers its SYN', () => {
    const p = new Pair();
    p.send(C, SYN, { ack: 0 });
    p.send(S, SYN | ACK);
    p.send(C, ACK, { ack: 5000 });
    expect(p.ends[S].state).toBe('SYN-RECEIVED');
    p.send(C, ACK, { ack: 5001 });
    expect(p.story(S).at(-1)).toBe('4 ESTABLISHED* received ACK of our SYN');
  });

  it('a simultaneous open goes through SYN-RECEIVED on both sides (RFC 9293 figure 7)', () => {
    const p = new Pair('CLOSED', 'CLOSED');
    p.send(C, SYN, { ack: 0 });
    p.send(S, SYN, { ack: 0 });
    p.send(C, SYN | ACK, { seq: 100, ack: 5001 });
    p.send(S, SYN | ACK, { seq: 5000, ack: 101 });
    p.send(C, ACK);
    expect(p.story(C)).toEqual(['1 SYN-SENT sent SYN', '2 SYN-RECEIVED* received SYN (simultaneous open)', '4 ESTABLISHED* received ACK of our SYN']);
    expect(p.story(S)).toEqual(['2 SYN-SENT sent SYN', '2 SYN-RECEIVED* received SYN (simultaneous open)', '3 ESTABLISHED* received ACK of our SYN']);
  });

  it('a retransmitted SYN or SYN-ACK changes nothing', () => {
    const p = new Pair();
    p.send(C, SYN, { ack: 0 });
    p.send(C, SYN, { seq: 100, ack: 0 });
    p.send(S, SYN | ACK);
    p.send(S, SYN | ACK, { seq: 5000 });
    p.send(C, ACK);
    expect(p.story(C)).toEqual(['1 SYN-SENT sent SYN', '3 ESTABLISHED* received SYN-ACK']);
    expect(p.story(S)).toEqual(['1 SYN-RECEIVED* received SYN', '5 ESTABLISHED* received ACK of our SYN']);
  });

  it('a SYN-ACK the tap missed: the peer\'s ACK shows it, so the listener (or a closed side) sent it', () => {
    for (const server of ['LISTEN', 'CLOSED'] as const) {
      const p = new Pair('CLOSED', server);
      p.send(C, SYN, { ack: 0 });
      p.frame++;
      p.ends[S].sawUnseenSynAck(p.time, p.frame);
      expect(p.story(S)).toEqual(["2 SYN-RECEIVED* sent SYN-ACK (not captured: the peer's ACK shows it)"]);
    }
  });

  it('an ACK takes in only the segments it covers: a SYN-ACK acknowledging the SYN leaves a FIN after it waiting', () => {
    const p = new Pair();
    p.send(C, SYN, { ack: 0 });
    p.send(C, FIN, { seq: 101, ack: 0 });
    p.send(S, SYN | ACK, { ack: 101 });
    expect(p.ends[S].state).toBe('SYN-RECEIVED');
  });

  it('keeps the sequence number of its first SYN: a SYN-ACK for it completes the handshake after a later SYN', () => {
    const p = new Pair();
    p.send(C, SYN, { ack: 0 });
    p.send(C, SYN, { seq: 700, ack: 0 });
    p.send(S, SYN | ACK, { ack: 101 });
    p.send(C, ACK, { ack: 5001 });
    expect(p.ends[C].state).toBe('ESTABLISHED');
  });

  it('a simultaneous open refused: the SYN reached the side that answers it with RST', () => {
    const p = new Pair('CLOSED', 'CLOSED');
    p.send(C, SYN, { ack: 0 });
    p.send(S, SYN, { ack: 0 });
    p.send(C, RST | ACK, { seq: 101, ack: 5001 });
    expect(p.story(C)).toEqual(['1 SYN-SENT sent SYN', '2 SYN-RECEIVED* received SYN (simultaneous open)', '3 CLOSED sent RST']);
  });
});

describe('closing', () => {
  it('four segments: the closer passes FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT; the peer CLOSE-WAIT, LAST-ACK, CLOSED', () => {
    const p = established();
    p.send(C, FIN | ACK);
    p.send(S, ACK);
    p.send(S, FIN | ACK);
    p.send(C, ACK);
    expect(p.story(C).slice(2)).toEqual(['4 FIN-WAIT-1 sent FIN', '5 FIN-WAIT-2* received ACK of our FIN', '6 TIME-WAIT* received FIN']);
    expect(p.story(S).slice(2)).toEqual(['4 CLOSE-WAIT* received FIN', '6 LAST-ACK sent FIN', '7 CLOSED* received ACK of our FIN']);
  });

  it('the FINs cross: both go through CLOSING to TIME-WAIT (RFC 9293 3.6 case 2); the server takes in the client\'s FIN at its own, later, FIN', () => {
    const p = established();
    p.send(C, FIN | ACK);
    p.send(S, FIN | ACK, { ack: 101 });
    p.send(C, ACK);
    p.send(S, ACK);
    expect(p.story(C).slice(2)).toEqual(['4 FIN-WAIT-1 sent FIN', '5 CLOSING* received FIN before the ACK of ours (simultaneous close)', '7 TIME-WAIT* received ACK of our FIN']);
    expect(p.story(S).slice(2)).toEqual(['5 FIN-WAIT-1 sent FIN', '5 CLOSING* received FIN before the ACK of ours (simultaneous close)', '6 TIME-WAIT* received ACK of our FIN']);
  });

  it('a FIN the tap missed, shown by the peer\'s ACK, is inferred and says so', () => {
    const p = established();
    p.send(C, FIN | ACK, { unseen: true });
    p.send(S, FIN | ACK, { unseen: true });
    expect(p.story(C)[2]).toBe("4 FIN-WAIT-1* sent FIN (not captured: the peer's ACK shows it)");
    expect(p.story(S)[3]).toBe("5 LAST-ACK* sent FIN (not captured: the peer's ACK shows it)");
  });

  it('a retransmitted FIN changes nothing; the sequence number of the first FIN is kept', () => {
    const p = established();
    p.send(C, FIN | ACK);
    p.send(C, FIN | ACK, { seq: 101 });
    expect(p.ends[C].finSeq).toBe(101);
    p.send(S, ACK, { ack: 102 });
    expect(p.story(C).slice(2)).toEqual(['4 FIN-WAIT-1 sent FIN', '6 FIN-WAIT-2* received ACK of our FIN']);
    expect(p.story(S).slice(2)).toEqual(['4 CLOSE-WAIT* received FIN']);
  });

  it('an ACK below our FIN does not acknowledge it', () => {
    const p = established();
    p.send(C, FIN | ACK);
    p.send(S, ACK, { ack: 101 });
    expect(p.ends[C].state).toBe('FIN-WAIT-1');
  });
});

describe('resets (RFC 9293 3.10.7.1-4, RFC 5961 3.2)', () => {
  it('in SYN-SENT: connection refused; the listener sent it because nothing listened', () => {
    const p = new Pair();
    p.send(C, SYN, { ack: 0 });
    p.send(S, RST | ACK, { seq: 0, ack: 101 });
    expect(p.story(C)).toEqual(['1 SYN-SENT sent SYN', '2 CLOSED* received RST (connection refused)']);
    expect(p.story(S)).toEqual(['2 CLOSED sent RST (nothing listening)']);
  });

  it('a refused SYN sent twice: neither copy made a connection', () => {
    const p = new Pair();
    p.send(C, SYN, { ack: 0 });
    p.send(C, SYN, { seq: 100, ack: 0 });
    p.send(S, RST | ACK, { seq: 0, ack: 101 });
    expect(p.story(S)).toEqual(['3 CLOSED sent RST (nothing listening)']);
  });

  it('in an open connection: the sender closes by its own act, the receiver by the RST', () => {
    const p = established();
    p.send(S, RST);
    expect(p.story(S).at(-1)).toBe('4 CLOSED sent RST');
    expect(p.story(C).at(-1)).toBe('4 CLOSED* received RST');
  });

  it('in TIME-WAIT: Linux (tcp_rfc1337=0) lets it end TIME-WAIT early', () => {
    const p = established();
    p.send(C, FIN | ACK);
    p.send(S, FIN | ACK);
    p.send(C, ACK);
    p.send(S, RST, { seq: 5001 });
    expect(p.story(C).slice(-2)).toEqual(['5 TIME-WAIT* received FIN', '7 CLOSED* received RST in TIME-WAIT']);
  });

  it('one the receiver would not act on (out of window, or challenged) changes nothing', () => {
    const p = established();
    p.send(S, RST, { rstAccepted: false });
    expect(p.ends[C].state).toBe('ESTABLISHED');
  });

  it('one reaching a listener or a closed side is ignored', () => {
    const p = new Pair('CLOSED', 'LISTEN');
    p.send(C, RST, { seq: 1 });
    expect(p.story(S)).toEqual([]);
    const q = established();
    q.send(C, RST);
    q.send(S, RST, { seq: 5001 });
    expect(q.story(C).at(-1)).toBe('4 CLOSED sent RST');
  });
});

describe('what counts as received, in path order', () => {
  it('data and plain ACKs are received at once; a SYN or FIN waits for an ACK that covers it', () => {
    const p = established();
    p.send(C, FIN | ACK);
    expect(p.ends[S].state).toBe('ESTABLISHED');
    p.send(S, ACK, { len: 10, ack: 101 });
    expect(p.ends[S].state).toBe('ESTABLISHED');
    p.send(S, ACK);
    expect(p.story(S).at(-1)).toBe('4 CLOSE-WAIT* received FIN');
  });

  it('a peer that never answers: after 32 SYNs or FINs in flight the oldest counts as received', () => {
    const fins = (n: number) => {
      const p = established();
      for (let i = 0; i < n; i++) p.send(C, FIN | ACK, { seq: 101 });
      return p.ends[S].state;
    };
    expect(fins(32)).toBe('ESTABLISHED');
    expect(fins(33)).toBe('CLOSE-WAIT');
  });
});

describe('at the end of the capture (settle)', () => {
  const finLeftAt = (secondsLater: number, copies = 1) => {
    const p = established();
    for (let i = 0; i < copies; i++) p.send(C, FIN | ACK, { seq: 101 });
    p.settle(p.time + secondsLater);
    return p.ends[S].state;
  };

  it('a FIN answered by nothing within a second of the end may still be on its way: received', () => {
    expect(finLeftAt(0.5)).toBe('CLOSE-WAIT');
    expect(finLeftAt(1)).toBe('CLOSE-WAIT');
  });

  it('a FIN left unanswered longer than a second was lost, and so was anything behind it', () => {
    expect(finLeftAt(1.5)).toBe('ESTABLISHED');
    const p = established();
    p.send(C, FIN | ACK);
    p.send(S, ACK, { ack: 101, len: 5 });
    p.settle(p.time + 2);
    expect(p.ends[S].state).toBe('ESTABLISHED');
    expect(p.ends[C].state).toBe('FIN-WAIT-1');
  });

  it('a FIN its sender had to repeat was not received, however recent', () => {
    expect(finLeftAt(0.1, 2)).toBe('ESTABLISHED');
  });

});

describe('timers and outside events', () => {
  const timeWait = () => {
    const p = established();
    p.send(C, FIN | ACK);
    p.send(S, FIN | ACK);
    p.send(C, ACK);
    return p;
  };

  it('TIME-WAIT expires 2MSL after it began, if the capture lasted that long (Linux: 60 s)', () => {
    const p = timeWait();
    const entered = p.ends[C].timeline.lastTime;
    p.ends[C].expireTimeWait(entered + TIME_WAIT_SECONDS - 0.5);
    expect(p.ends[C].state).toBe('TIME-WAIT');
    p.ends[C].expireTimeWait(entered + TIME_WAIT_SECONDS);
    const last = p.ends[C].timeline.steps.at(-1)!;
    expect(last).toEqual({ time: entered + TIME_WAIT_SECONDS, frame: null, state: 'CLOSED', cause: 'TIME-WAIT expired (60 s on Linux)', inferred: true });
    expect(p.ends[C].timeline.lastFrame).toBe(5);
  });

  it('giving up retransmitting closes a side that still had the connection, and no other', () => {
    const p = established();
    p.ends[C].gaveUp(p.time + 1, 'data');
    expect(p.story(C).at(-1)).toBe('- CLOSED* gave up retransmitting data (ETIMEDOUT)');
    const q = timeWait();
    q.ends[C].gaveUp(q.time + 1, 'its FIN');
    expect(q.ends[C].state).toBe('TIME-WAIT');
    const r = established();
    r.send(C, RST);
    r.ends[C].gaveUp(r.time + 1, 'data');
    expect(r.story(C).at(-1)).toBe('4 CLOSED sent RST');
  });

  it('an ICMP error aborts a connection attempt only', () => {
    const p = new Pair();
    p.send(C, SYN, { ack: 0 });
    p.ends[C].connectFailed(p.time + 1, 2, 'type 3 code 3');
    expect(p.story(C).at(-1)).toBe('2 CLOSED* connect failed: ICMP type 3 code 3');
    const q = established();
    q.ends[C].connectFailed(q.time + 1, 4, 'type 3 code 3');
    expect(q.ends[C].state).toBe('ESTABLISHED');
  });

  it('a new SYN on the ports ends a TIME-WAIT (RFC 6191), and closes the side that sent it', () => {
    const p = timeWait();
    p.ends[C].reusedBy(9, p.time + 1);
    expect(p.story(C).at(-1)).toBe('9 CLOSED* TIME-WAIT ended: a new SYN reused the ports');
    const q = established();
    for (const e of q.ends) e.reusedBy(9, q.time + 1);
    expect(q.ends.map((e) => e.state)).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    q.ends[C].lostBy(9, q.time + 1);
    expect(q.story(C).at(-1)).toBe('9 CLOSED* lost the connection: sent a new SYN on these ports');
  });

  it('a side holds the connection unless CLOSED, TIME-WAIT or LISTEN', () => {
    expect(new Endpoint('LISTEN').holdsConnection).toBe(false);
    expect(new Endpoint('CLOSED').holdsConnection).toBe(false);
    expect(new Endpoint('TIME-WAIT').holdsConnection).toBe(false);
    expect(new Endpoint('CLOSE-WAIT').holdsConnection).toBe(true);
    const p = timeWait();
    p.ends[C].lostBy(9, p.time + 1);
    expect(p.ends[C].state).toBe('TIME-WAIT');
  });
});

describe('an endpoint used again (restart)', () => {
  it('forgets its SYN, FIN and what was in flight', () => {
    const p = established();
    p.send(C, FIN | ACK);
    for (const [i, e] of p.ends.entries()) e.restart(i === 0 ? 'CLOSED' : 'LISTEN');
    expect([p.ends[C].synSeq, p.ends[C].finSeq]).toEqual([null, null]);
    p.next[0] = 700;
    p.next[1] = 900;
    p.send(C, SYN, { ack: 0 });
    p.send(S, SYN | ACK);
    p.send(C, ACK);
    expect(p.story(S)).toEqual(['5 SYN-RECEIVED* received SYN', '7 ESTABLISHED* received ACK of our SYN']);
  });
});
