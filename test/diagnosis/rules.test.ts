import { describe, expect, it } from 'vitest';
import { IcmpError } from '../../src/decode/icmp.js';
import { diagnose } from '../../src/diagnosis/diagnose.js';
import { trackedConnection, type TrackedConnection } from '../../src/track/report.js';
import { connectionReport, halfClosedFor } from '../../src/diagnosis/report.js';
import { ACK, CLIENT, FIN, RST, SERVER, SYN, Wire, established, header, synReceived, synSent } from '../helpers/wire.js';

/**
 * The diagnosis's rules one by one (docs/endings.md), each on a connection built segment
 * by segment, at the thresholds that decide between two verdicts. The lab and corpus
 * tests hold the common endings to real captures; these reach the rare branches and
 * the exact bounds no capture sits on.
 */
/** The verdict when the capture ended `after` seconds after the last segment. */
function verdictAfter(w: Wire, after: number) {
  return verdict(w, w.time + after);
}

function verdict(w: Wire, captureEnd = w.time, seen: Partial<TrackedConnection> = {}) {
  w.finalize(captureEnd);
  return diagnose({ ...trackedConnection(w.conn, 'capture-end', captureEnd), ...seen }, captureEnd);
}

/** SYNs from the client at these offsets (seconds after the first), nothing back. */
function syns(offsets: number[]): Wire {
  const w = synSent();
  const t0 = w.time;
  for (const t of offsets.slice(1)) {
    w.time = t0 + t - 0.01;
    w.send(CLIENT, { seq: 100, flags: SYN });
  }
  return w;
}

function icmp(code: number): IcmpError {
  const e = new IcmpError();
  e.version = 4;
  e.type = 3;
  e.code = code;
  return e;
}

describe('before the handshake completed', () => {
  it('SYNs with growing back-off, then silence past the next one: connect() timed out', () => {
    const w = syns([0, 1, 3, 7]);
    const last = w.time;
    // The next retry would come 8 s after the last; with the margin, 10 s.
    expect(verdict(syns([0, 1, 3, 7]), last + 9.9)).toMatchObject({ ending: 'not-established', apps: { client: 'connect still pending' } });
    const v = verdict(w, last + 10.1);
    expect(v).toMatchObject({ ending: 'timeout', detail: 'connect', closer: 'client', evidence: [1, 2, 3, 4], apps: { client: 'ETIMEDOUT' } });
    expect(v.explanation).toContain('the client sent 4 SYNs with growing back-off (1.0 s, 2.0 s, 4.0 s apart), got no answer and stopped: it gave up');
  });

  it('SYNs faster than any stack retransmits (under 0.9 s apart) are a prober\'s, never a connect timeout', () => {
    const v = verdictAfter(syns([0, 0.5, 1]), 100);
    expect(v).toMatchObject({ ending: 'not-established', apps: { client: 'unknown (probes)', server: 'nothing' } });
    expect(v.explanation).toContain('(3 SYNs sent, 500.0 ms apart on average: faster than any TCP stack retransmits a SYN, so a prober\'s packets');
    expect(verdictAfter(syns([0, 0.85, 1.7]), 100)).toMatchObject({ ending: 'not-established', apps: { client: 'unknown (probes)' } });
    expect(verdictAfter(syns([0, 0.95, 1.9]), 100)).toMatchObject({ ending: 'timeout', detail: 'connect' });
  });

  it('one SYN never repeated for more than twice the longest first retry (3 s) was abandoned', () => {
    const w = synSent();
    const v = verdict(w, w.time + 6.01);
    expect(v).toMatchObject({ ending: 'timeout', detail: 'connect', evidence: [1], apps: { client: 'gave up (connect abandoned or timed out)' } });
    expect(v.explanation).toContain('the client sent one SYN, got no answer and never sent it again in the 6.0 s before the capture ended: a TCP stack retries within 3 s');
    const soon = synSent();
    expect(verdict(soon, soon.time + 5.99)).toMatchObject({ ending: 'not-established', detail: null });
  });

  it('names the client\'s own RST after its unanswered SYN', () => {
    const w = synSent();
    w.send(CLIENT, { seq: 101, flags: RST });
    const v = verdict(w, w.time + 7);
    expect(v).toMatchObject({ ending: 'timeout', evidence: [1, 2] });
    expect(v.explanation).toContain('; then it reset the attempt itself (frame 2)');
  });

  it('a SYN-ACK then nothing: the handshake is incomplete, the server waits', () => {
    const v = verdict(synReceived());
    expect(v).toMatchObject({ ending: 'not-established', evidence: [1, 2], apps: { client: 'connect still pending', server: 'nothing yet (handshake incomplete)' } });
    expect(v.explanation).toContain('(1 SYN sent, the last');
  });

  it('an RST after the SYN-ACK: reset during the handshake, by either side', () => {
    const byClient = synReceived();
    byClient.send(CLIENT, { seq: 101, flags: RST });
    expect(verdict(byClient)).toMatchObject({ ending: 'reset', detail: 'handshake', closer: 'client', evidence: [1, 2, 3], apps: { client: 'connect aborted', server: 'nothing (never accepted)' } });
    const byServer = synReceived();
    byServer.send(SERVER, { seq: 5001, ack: 101, flags: RST | ACK });
    expect(verdict(byServer)).toMatchObject({ ending: 'reset', detail: 'handshake', closer: 'server', apps: { client: 'ECONNREFUSED or ECONNRESET' } });
  });

  it('an RST and no SYN-ACK: refused; ICMP port unreachable refuses too, other codes are unreachable', () => {
    const rst = synSent();
    rst.send(SERVER, { seq: 0, ack: 101, flags: RST | ACK });
    expect(verdict(rst)).toMatchObject({ ending: 'refused', detail: null, closer: 'server', evidence: [1, 2], apps: { client: 'ECONNREFUSED' } });
    const port = synSent();
    port.conn.icmpError(CLIENT, icmp(3), { frame: 2, time: port.time + 0.01 });
    const vp = verdict(port);
    expect(vp).toMatchObject({ ending: 'refused', detail: 'icmp-port-unreachable', closer: 'server', evidence: [2], apps: { client: 'ECONNREFUSED', server: 'nothing' } });
    expect(vp.explanation).toContain('the server side answered with ICMP port unreachable: nothing was listening (client saw ECONNREFUSED; server saw nothing). Evidence: frame 2. Hint: check that the service runs and listens on that address and port.');
    const host = synSent();
    host.conn.icmpError(CLIENT, icmp(1), { frame: 2, time: host.time + 0.01 });
    host.conn.icmpError(CLIENT, icmp(1), { frame: 3, time: host.time + 1 });
    const v = verdict(host);
    expect(v).toMatchObject({ ending: 'unreachable', detail: 'host-unreachable', closer: null, evidence: [2, 3], apps: { client: 'EHOSTUNREACH', server: 'nothing' } });
    expect(v.explanation).toContain('2 ICMP host-unreachable messages about the client\'s packets answered the connection attempt');
  });

  it('on a path captured one way, one SYN never repeated nor followed by an ACK was refused unseen', () => {
    const oneSided = { pathOneSided: true };
    const w = synSent();
    const v = verdict(w, w.time + 6.5, oneSided);
    expect(v).toMatchObject({ ending: 'refused', detail: null, closer: 'server', flags: ['one-sided'], evidence: [1], apps: { client: 'ECONNREFUSED (inferred)' } });
    expect(v.explanation).toContain('its one SYN was not sent again in the 6.5 s before the capture ended, and no ACK followed');
    // Not so for two SYNs, the client's own RST, too short a wait, or a path seen both ways.
    expect(verdictAfter(syns([0, 1]), 100).ending).toBe('timeout');
    const twice = syns([0, 1]);
    expect(verdict(twice, twice.time + 100, oneSided).ending).toBe('timeout');
    const own = synSent();
    own.send(CLIENT, { seq: 101, flags: RST });
    expect(verdict(own, own.time + 7, oneSided).ending).toBe('timeout');
    const soon = synSent();
    expect(verdict(soon, soon.time + 5.9, oneSided).ending).toBe('not-established');
  });

  it('a client that tried the same server again on a new port after its last SYN had given up this attempt', () => {
    const w = syns([0, 1]);
    const later = { supersededBy: { stream: 9, time: w.time + 2 } };
    const v = verdict(w, w.time + 2.2, later); // before the next back-off would have run out
    expect(v).toMatchObject({ ending: 'timeout', detail: 'connect', evidence: [1, 2], apps: { client: 'gave up (connect timed out or abandoned)' } });
    expect(v.explanation).toContain('the client sent 2 SYNs over 1.0 s without an answer, then opened a new connection to the same server (stream 9, +3.010 s) instead of retrying this one');
    const one = synSent();
    expect(verdict(one, one.time + 3, { supersededBy: { stream: 9, time: one.time + 2 } }).explanation).toContain('the client sent 1 SYN over 0 us without an answer');
    // A new connection begun before this one's last SYN says nothing of its end.
    const before = syns([0, 1]);
    expect(verdict(before, before.time + 2.2, { supersededBy: { stream: 9, time: before.time - 0.5 } }).ending).toBe('not-established');
  });

  it('segments with neither SYN nor ACK, unanswered: no connection existed', () => {
    const w = new Wire({ seq: 1, flags: 0 });
    w.send(CLIENT, { seq: 1, flags: FIN });
    const v = verdict(w);
    expect(v).toMatchObject({ ending: 'not-established', evidence: [1, 2], apps: { client: 'unknown (crafted segments, no socket seen)' } });
    expect(v.explanation).toContain('the client sent 2 segments without SYN or ACK');
  });
});

describe('an established connection', () => {
  it('an ICMP unreachable with no close after it ends it', () => {
    const w = established();
    w.conn.icmpError(CLIENT, icmp(1), { frame: 7, time: w.time + 0.01 });
    const v = verdict(w);
    expect(v).toMatchObject({ ending: 'unreachable', detail: 'host-unreachable', evidence: [7] });
    expect(v.explanation).toContain('1 ICMP host-unreachable message about the client\'s packets ended the established connection');
  });

  it('open at the end: how long idle, keepalives answered, a window left at zero', () => {
    const w = established();
    const v = verdict(w, w.time + 2.5);
    expect(v).toMatchObject({ ending: 'open', evidence: [6], apps: { client: 'nothing yet', server: 'nothing yet' } });
    expect(v.explanation).toContain('still open when the capture ended, idle for 2.5 s (client saw');
    const z = established();
    z.send(CLIENT, { seq: z.next[CLIENT]!, ack: z.next[SERVER]!, flags: ACK, window: 0 });
    expect(verdict(z).explanation).toContain('; the client advertised a zero window at the end, so the server\'s sending was stalled');
  });

  it('keepalive probes: unanswered at the end, half-open; answered, still open', () => {
    const probe = (w: Wire) => w.send(CLIENT, { seq: w.next[CLIENT]! - 1, ack: w.next[SERVER]!, flags: ACK });
    const one = established();
    const first = probe(one);
    const v1 = verdict(one, one.time + 2);
    expect(v1).toMatchObject({ ending: 'half-open', detail: 'keepalive', closer: null, evidence: [first], apps: { client: 'nothing yet (keepalive probing)', server: 'unknown (no answer seen)' } });
    expect(v1.explanation).toContain('the client\'s keepalive probe got no answer in the 2.0 s before the capture ended');
    const three = established();
    const a = probe(three);
    probe(three);
    const c = probe(three);
    const v3 = verdict(three, three.time + 1);
    expect(v3.evidence).toEqual([a, c]);
    expect(v3.explanation).toContain('the client\'s 3 keepalive probes got no answer');
    const answered = established();
    probe(answered);
    answered.say(SERVER, 0);
    const vo = verdict(answered, answered.time + 1);
    expect(vo.ending).toBe('open');
    expect(vo.explanation).toContain('idle for 1.0 s (keepalives answered)');
  });

  it('a FIN acknowledged and no close from the peer: half-closed, the peer in CLOSE-WAIT', () => {
    const w = established();
    w.say(CLIENT, FIN);
    w.say(SERVER, 0);
    w.say(SERVER, 0, 10);
    const v = verdict(w, w.time + 3);
    expect(v).toMatchObject({ ending: 'half-closed', detail: 'client-closed', closer: 'client', evidence: [7, 8, 9], apps: { client: 'nothing yet (waiting for the peer to close)', server: 'EOF, not closed' } });
    expect(v.explanation).toContain('the client closed at +0.070 s (FIN acknowledged) but the server never closed its side, though it kept sending data: the server sat in CLOSE-WAIT for 3.0 s');
  });

  it('a FIN retransmitted with back-off and never acknowledged, then silence: the closer gave up (timeout, not half-closed)', () => {
    const w = established();
    const fin = w.say(CLIENT, FIN);
    const t0 = w.time;
    for (const t of [0.2, 0.6, 1.4, 3]) {
      w.time = t0 + t - 0.01;
      w.send(CLIENT, { seq: w.next[CLIENT]! - 1, ack: w.next[SERVER]!, flags: FIN | ACK });
    }
    const v = verdict(w, t0 + 10);
    expect(v).toMatchObject({ ending: 'timeout', detail: 'retransmission', closer: 'client', evidence: [fin, fin + 1, fin + 2, fin + 3, fin + 4], apps: { client: 'ETIMEDOUT', server: 'nothing (unreachable or gone)' } });
    expect(v.explanation).toContain('the client sent its FIN 5 times with growing back-off (200.0 ms, 400.0 ms, 800.0 ms, 1.6 s apart) and got no ACK from the server, then went silent for 7.0 s until the capture ended: it gave up');
    const still = established();
    still.say(CLIENT, FIN);
    for (const t of [0.2, 0.6, 1.4]) {
      still.time = t0 + t - 0.01;
      still.send(CLIENT, { seq: still.next[CLIENT]! - 1, ack: still.next[SERVER]!, flags: FIN | ACK });
    }
    const h = verdict(still, t0 + 2);
    expect(h).toMatchObject({ ending: 'half-open', detail: 'retransmission', closer: null, apps: { client: 'blocked in write (will see ETIMEDOUT)' } });
    expect(h.explanation).toContain('the server stopped answering: the client sent its FIN 4 times over 1.4 s without an ACK and was still retransmitting when the capture ended');
  });

  it('measures a half-close from the closer\'s FIN to the report', () => {
    const w = established();
    w.say(CLIENT, FIN);
    const finTime = w.time;
    w.say(SERVER, 0);
    w.finalize(w.time + 4);
    const report = connectionReport(trackedConnection(w.conn, 'capture-end', w.time + 4));
    expect(report.ending).toBe('half-closed');
    expect(halfClosedFor(report)).toBeCloseTo(w.time + 4 - finTime, 9);
    expect(halfClosedFor(connectionReport(trackedConnection(established().finalize().conn, 'capture-end', 2000)))).toBeNull();
  });

  it('a FIN the capture never shows acknowledged: whether it arrived is unknown', () => {
    const w = established();
    w.say(SERVER, FIN);
    const v = verdict(w, w.time + 0.5);
    expect(v).toMatchObject({ ending: 'half-closed', detail: 'server-closed', closer: 'server', evidence: [7], apps: { server: 'nothing yet (waiting for the peer to close)', client: 'unknown (the FIN was not seen acknowledged)' } });
    expect(v.explanation).toContain('the capture ended 500.0 ms later, before any ACK of it');
    // Nothing at all from the peer in the capture: no telling whether the FIN arrived.
    const alone = new Wire({ seq: 100, ack: 5000, flags: ACK, len: 10 });
    const fin = alone.send(CLIENT, { seq: 110, ack: 5000, flags: FIN | ACK });
    const va = verdict(alone, alone.time + 5);
    expect(va).toMatchObject({ ending: 'half-closed', detail: 'client-closed', evidence: [fin] });
    expect(va.explanation).toContain(`(FIN, frame ${fin}); the capture shows no packet from the server, so whether the FIN reached it is unknown`);
  });

  it('graceful: who closed first, three or four segments, a lost last ACK, an RST after', () => {
    const four = established();
    four.say(SERVER, FIN);
    four.say(CLIENT, 0);
    four.say(CLIENT, FIN);
    four.say(SERVER, 0);
    expect(verdict(four)).toMatchObject({ ending: 'graceful', detail: 'four-segment close', closer: 'server', evidence: [7, 8, 9, 10], flags: [] });
    const three = established();
    three.say(CLIENT, FIN);
    three.say(SERVER, FIN);
    three.say(CLIENT, 0);
    const v3 = verdict(three);
    expect(v3).toMatchObject({ detail: 'three-segment close', closer: 'client', evidence: [7, 8, 9] });
    expect(v3.explanation).toContain('the server acknowledged and closed in one segment (FIN+ACK); the client holds TIME-WAIT');
    const lost = established();
    lost.say(CLIENT, FIN);
    lost.say(SERVER, FIN);
    lost.send(SERVER, { seq: lost.next[SERVER]! - 1, ack: lost.next[CLIENT]!, flags: FIN | ACK });
    lost.say(CLIENT, 0);
    const vl = verdict(lost);
    expect(vl.flags).toEqual(['lost-last-ack']);
    // A FIN captured twice (the same datagram) was sent once: no lost ACK.
    const twice = established();
    twice.say(CLIENT, FIN);
    const fin = header({ seq: twice.next[SERVER]!, ack: twice.next[CLIENT]!, flags: FIN | ACK });
    twice.say(SERVER, FIN);
    twice.conn.segment(SERVER, fin, { frame: ++twice.frame, time: twice.time }, null, null, true);
    twice.say(CLIENT, 0);
    expect(verdict(twice).flags).toEqual([]);
    expect(vl.explanation).toContain('; the last ACK was lost, so the server retransmitted its FIN');
    // An RST from the side whose FIN came last, once both closes were done (the FIN
    // acknowledging the peer's, or after it): the close stands.
    for (const fourSegments of [false, true]) {
      const rst = established();
      rst.say(CLIENT, FIN);
      if (fourSegments) rst.say(SERVER, 0);
      rst.say(SERVER, FIN);
      rst.say(CLIENT, 0);
      const frame = rst.send(SERVER, { seq: rst.next[SERVER]!, flags: RST });
      const vr = verdict(rst);
      expect(vr).toMatchObject({ ending: 'graceful', detail: fourSegments ? 'four-segment close' : 'three-segment close' });
      expect(vr.evidence.at(-1)).toBe(frame);
      expect(vr.explanation).toContain(`; then the server also sent an RST (frame ${frame}), which cut nothing short`);
    }
  });

  it('the FINs crossed: a simultaneous close, with the time between them', () => {
    const w = established();
    w.send(CLIENT, { seq: w.next[CLIENT]!, ack: w.next[SERVER]!, flags: FIN | ACK });
    w.send(SERVER, { seq: w.next[SERVER]!, ack: w.next[CLIENT]! - 1, flags: FIN | ACK });
    w.say(CLIENT, 0);
    w.say(SERVER, 0);
    const v = verdict(w);
    expect(v).toMatchObject({ ending: 'simultaneous-close', closer: 'both', evidence: [7, 8, 9, 10] });
    expect(v.explanation).toContain('their FINs crossed (10.0 ms apart)');
  });
});

describe('an RST that ended an established connection', () => {
  /** The server's RST at its next sequence number, `after` seconds after the last segment. */
  const serverRst = (w: Wire, after: number, flags = RST | ACK): number => {
    w.time += after - 0.01;
    return w.send(SERVER, { seq: w.next[SERVER]!, ack: w.next[CLIENT]!, flags });
  };

  it('from a side that never closed: an abort, with or without ACK while it was talking', () => {
    const w = established();
    serverRst(w, 0.5);
    const v = verdict(w);
    expect(v).toMatchObject({ ending: 'reset', detail: 'abort', closer: 'server', evidence: [7], apps: { server: 'closed (abortive)', client: 'ECONNRESET' } });
    expect(v.explanation).toContain('the server aborted the connection with RST at +0.560 s instead of closing it (client saw');
    const bare = established();
    serverRst(bare, 0.9, RST); // the server's last segment was 0.91 s before
    const vb = verdict(bare);
    expect(vb.detail).toBe('abort');
    expect(vb.explanation).toContain('instead of closing it (an RST without the ACK flag)');
  });

  it('without ACK after a second or more of its sender\'s silence: the sender no longer knew the connection', () => {
    const w = established();
    w.say(CLIENT, 0, 20);
    serverRst(w, 1, RST);
    const v = verdict(w);
    expect(v).toMatchObject({ ending: 'reset', detail: 'stale', closer: 'server', evidence: [7, 8], apps: { server: 'nothing (lost the connection)', client: 'ECONNRESET' } });
    expect(v.explanation).toContain('the server answered with RST (no ACK) after 1.0 s of silence: it no longer knew the connection');
    // With ACK it is an abort however long the silence.
    const acked = established();
    serverRst(acked, 5);
    expect(verdict(acked).detail).toBe('abort');
  });

  it('soon after its sender\'s own FIN, answering nothing: an abortive close', () => {
    const w = established();
    const fin = w.say(SERVER, FIN);
    serverRst(w, 0.1);
    const v = verdict(w);
    expect(v).toMatchObject({ detail: 'abort', evidence: [fin, fin + 1] });
    expect(v.explanation).toContain(`the server sent its FIN (frame ${fin}) and 100.0 ms later reset the connection with RST at +0.170 s: an abortive close`);
  });

  it('from a side that had closed, answering data written after its close: after-close', () => {
    const w = established();
    const fin = w.say(SERVER, FIN);
    const data = w.say(CLIENT, 0, 50);
    serverRst(w, 0.01);
    const v = verdict(w);
    expect(v).toMatchObject({ detail: 'after-close', closer: 'server', evidence: [fin, data, data + 1], apps: { server: 'closed', client: 'EOF, then EPIPE on the next write' } });
    expect(v.explanation).toContain(`the server closed at +0.070 s (FIN, frame ${fin}); the client wrote after that, and the server host answered with RST at +0.090 s`);
    expect(v.explanation).toContain('Hint: the client wrote to a connection whose other end was gone');
  });

  it('from a side that closed with data of its peer unread: after-close, read until EOF', () => {
    const w = established();
    w.send(CLIENT, { seq: w.next[CLIENT]!, ack: w.next[SERVER]!, flags: ACK, len: 100 });
    // The server's FIN does not acknowledge those 100 bytes: they were still unread.
    const fin = w.send(SERVER, { seq: w.next[SERVER]!, ack: w.next[CLIENT]! - 100, flags: FIN | ACK });
    serverRst(w, 0.01);
    const v = verdict(w);
    expect(v).toMatchObject({ detail: 'after-close', closer: 'server' });
    expect(v.explanation).toContain(`(FIN, frame ${fin}); data from the client that it had not read by then arrived after its close`);
    expect(v.explanation).toContain('Hint: the server closed before reading everything the client sent');
  });

  it('answering a FIN that came long after its own: late-fin, its FIN-WAIT-2 had expired', () => {
    const w = established();
    const fin = w.say(SERVER, FIN);
    const ack = w.say(CLIENT, 0);
    w.time += 3;
    const late = w.say(CLIENT, FIN);
    serverRst(w, 0.01);
    const v = verdict(w);
    expect(v).toMatchObject({ detail: 'late-fin', closer: 'server', evidence: [fin, ack, late, late + 1], apps: { server: 'closed', client: 'EOF, closed (its late close drew RST)' } });
    expect(v.explanation).toContain(`the server closed at +0.070 s (FIN, frame ${fin}, acknowledged); 3.0 s later the client's FIN (frame ${late}) met no socket and the server host answered with RST: its FIN-WAIT-2 or TIME-WAIT state had expired`);
  });

  it('answering a later segment of a peer that never closed: late-fin, the peer in CLOSE-WAIT', () => {
    const w = established();
    w.say(SERVER, FIN);
    w.say(CLIENT, 0);
    w.time += 2;
    w.say(CLIENT, 0);
    serverRst(w, 0.01);
    const v = verdict(w);
    expect(v).toMatchObject({ detail: 'late-fin', apps: { client: 'EOF, then EPIPE on the next write' } });
    expect(v.explanation).toContain('later the client\'s segment met no socket and the server host answered with RST: its FIN-WAIT-2 or TIME-WAIT state had expired (the client had never closed: CLOSE-WAIT)');
  });

  it('late-fin to a FIN its peer was never seen to acknowledge: the peer had no EOF to see', () => {
    const w = established();
    const fin = w.say(SERVER, FIN);
    w.time += 2;
    w.send(CLIENT, { seq: w.next[CLIENT]!, ack: w.next[SERVER]! - 1, flags: ACK });
    serverRst(w, 0.01);
    const v = verdict(w);
    expect(v).toMatchObject({ detail: 'late-fin', apps: { client: 'ECONNRESET' } });
    expect(v.explanation).toContain(`the server closed at +0.070 s (FIN, frame ${fin}); 2.0 s later the client's segment met no socket`);
  });

  it('the listener\'s RST at once to the handshake\'s ACK: it never accepted (a full accept queue)', () => {
    const w = synReceived();
    const ack = w.say(CLIENT, 0);
    serverRst(w, 0.5);
    const v = verdict(w);
    expect(v).toMatchObject({ ending: 'reset', detail: 'handshake', closer: 'server', evidence: [1, 2, ack + 1], apps: { server: 'nothing (never accepted)', client: 'connect succeeded, then ECONNRESET' } });
    // A second later it is no answer to the ACK: the server aborted a connection it held.
    const slow = synReceived();
    slow.say(CLIENT, 0);
    serverRst(slow, 1);
    expect(verdict(slow).detail).toBe('abort');
  });

  it('tells what the receiver saw from what it had done: closed first, or in CLOSE-WAIT', () => {
    const closedFirst = established();
    const fin = closedFirst.say(CLIENT, FIN);
    closedFirst.say(SERVER, 0, 10);
    serverRst(closedFirst, 0.01);
    const v = verdict(closedFirst);
    expect(v.apps.client).toBe('had closed already (ECONNRESET only if it still read)');
    expect(v.explanation).toContain(`the client closed first at +0.070 s (FIN, frame ${fin}); then the server aborted the connection`);
  });
});
