import { describe, expect, it } from 'vitest';
import { ACK, CLIENT, FIN, RST, SERVER, SYN, Wire, established, finWait1, finWait2, lastAck, synReceived, synSent } from '../helpers/wire.js';

describe('SYN-SENT', () => {
  it('is where a SYN puts its sender; the peer is presumed listening', () => {
    const w = synSent();
    expect(w.states()).toEqual(['SYN-SENT', 'LISTEN']);
    expect(w.steps(CLIENT)).toEqual([[1, 'SYN-SENT']]);
  });

  it('stays put on a retransmitted SYN', () => {
    const w = synSent();
    w.send(CLIENT, { seq: 100, flags: SYN });
    expect(w.steps(CLIENT)).toEqual([[1, 'SYN-SENT']]);
    expect(w.conn.dirs[CLIENT].retransmissions).toBe(1);
  });

  it('ends in CLOSED on an RST that acknowledges the SYN (connection refused)', () => {
    const w = synSent();
    w.send(SERVER, { seq: 0, ack: 101, flags: RST | ACK });
    w.finalize();
    expect(w.states()).toEqual(['CLOSED', 'CLOSED']);
    expect(w.conn.ends[CLIENT].timeline.steps.at(-1)?.cause).toBe('received RST (connection refused)');
    expect(w.conn.ends[SERVER].timeline.steps.at(-1)?.cause).toBe('sent RST (nothing listening)');
  });

  it('ignores an RST that does not acknowledge the SYN (RFC 9293 3.10.7.3)', () => {
    const w = synSent();
    w.send(SERVER, { seq: 0, ack: 999, flags: RST | ACK });
    expect(w.state(CLIENT)).toBe('SYN-SENT');
    expect(w.conn.flags.has('rst-ignored')).toBe(true);
  });
});

describe('SYN-RECEIVED', () => {
  it('is where the server goes on the SYN, placed at the SYN frame once its SYN-ACK shows it got it', () => {
    const w = synReceived();
    expect(w.steps(SERVER)).toEqual([[1, 'SYN-RECEIVED']]);
    expect(w.conn.ends[SERVER].timeline.steps[0]?.inferred).toBe(true);
  });

  it('leads both to ESTABLISHED: the client at the SYN-ACK, the server at the ACK', () => {
    const w = synReceived();
    w.say(CLIENT, 0);
    expect(w.states()).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    expect(w.steps(CLIENT)).toEqual([[1, 'SYN-SENT'], [2, 'ESTABLISHED']]);
    expect(w.steps(SERVER)).toEqual([[1, 'SYN-RECEIVED'], [3, 'ESTABLISHED']]);
  });

  it('handles a simultaneous open (both send SYN, then SYN-ACK)', () => {
    const w = synSent();
    w.send(SERVER, { seq: 5000, flags: SYN });
    w.send(CLIENT, { seq: 100, ack: 5001, flags: SYN | ACK });
    w.send(SERVER, { seq: 5000, ack: 101, flags: SYN | ACK });
    w.say(CLIENT, 0);
    w.say(SERVER, 0);
    expect(w.states()).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    expect(w.conn.flags.has('simultaneous-open')).toBe(true);
    expect(w.steps(CLIENT).map(([, s]) => s)).toEqual(['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
  });

  it('ends in CLOSED when the client resets before the handshake completes', () => {
    const w = synReceived();
    w.send(CLIENT, { seq: 101, flags: RST });
    expect(w.states()).toEqual(['CLOSED', 'CLOSED']);
  });
});

describe('ESTABLISHED', () => {
  it('stays put while data flows', () => {
    expect(established().states()).toEqual(['ESTABLISHED', 'ESTABLISHED']);
  });

  it('ends in CLOSED for both on an RST at the next sequence number', () => {
    const w = established();
    w.send(SERVER, { seq: w.next[SERVER]!, ack: w.next[CLIENT]!, flags: RST | ACK });
    expect(w.states()).toEqual(['CLOSED', 'CLOSED']);
  });

  it('ignores an RST outside the window and only challenges an inexact one (RFC 5961 3.2)', () => {
    const w = established();
    w.send(SERVER, { seq: w.next[SERVER]! + 10_000_000, flags: RST });
    expect(w.states()).toEqual(['ESTABLISHED', 'CLOSED']);
    expect(w.conn.flags.has('rst-ignored')).toBe(true);
    const v = established();
    v.send(SERVER, { seq: v.next[SERVER]! + 10, flags: RST });
    expect(v.state(CLIENT)).toBe('ESTABLISHED');
    expect(v.conn.flags.has('rst-challenged')).toBe(true);
  });

  it('moves the side whose FIN arrives to CLOSE-WAIT, once its ACK shows it got the FIN', () => {
    const w = finWait1();
    expect(w.states()).toEqual(['FIN-WAIT-1', 'ESTABLISHED']);
    w.say(SERVER, 0);
    expect(w.states()).toEqual(['FIN-WAIT-2', 'CLOSE-WAIT']);
  });
});

describe('FIN-WAIT-1', () => {
  it('goes to FIN-WAIT-2 on the ACK of its FIN', () => {
    expect(finWait2().state(CLIENT)).toBe('FIN-WAIT-2');
  });

  it('goes through FIN-WAIT-2 to TIME-WAIT at one frame when the FIN comes with the ACK (three-segment close)', () => {
    const w = finWait1();
    const finAck = w.say(SERVER, FIN);
    w.say(CLIENT, 0);
    expect(w.steps(CLIENT).slice(-2)).toEqual([[finAck, 'FIN-WAIT-2'], [finAck, 'TIME-WAIT']]);
    expect(w.finalize().states()).toEqual(['TIME-WAIT', 'CLOSED']);
  });

  it('goes to CLOSING when the FINs cross, then TIME-WAIT on both sides (simultaneous close)', () => {
    const w = established();
    const clientFin = w.send(CLIENT, { seq: w.next[CLIENT]!, ack: w.next[SERVER]!, flags: FIN | ACK });
    // The server's FIN does not acknowledge the client's: it was sent before that arrived.
    const serverFin = w.send(SERVER, { seq: w.next[SERVER]!, ack: w.next[CLIENT]! - 1, flags: FIN | ACK });
    w.say(CLIENT, 0);
    w.say(SERVER, 0);
    expect(w.steps(CLIENT).slice(-3)).toEqual([[clientFin, 'FIN-WAIT-1'], [serverFin, 'CLOSING'], [serverFin + 2, 'TIME-WAIT']]);
    expect(w.steps(SERVER).slice(-3)).toEqual([[serverFin, 'FIN-WAIT-1'], [serverFin, 'CLOSING'], [serverFin + 1, 'TIME-WAIT']]);
  });

  it('ends in CLOSED on an RST', () => {
    const w = finWait1();
    w.send(SERVER, { seq: w.next[SERVER]!, flags: RST });
    expect(w.state(CLIENT)).toBe('CLOSED');
  });
});

describe('FIN-WAIT-2 and CLOSE-WAIT', () => {
  it('hold while the passive side keeps sending (half-close), flagged data-after-fin', () => {
    const w = finWait2();
    w.say(SERVER, 0, 1000);
    w.say(CLIENT, 0);
    expect(w.states()).toEqual(['FIN-WAIT-2', 'CLOSE-WAIT']);
    expect(w.conn.flags.has('data-after-fin')).toBe(true);
  });

  it('end in TIME-WAIT and LAST-ACK when the passive side closes', () => {
    const w = lastAck();
    expect(w.states()).toEqual(['FIN-WAIT-2', 'LAST-ACK']);
    w.say(CLIENT, 0);
    expect(w.states()).toEqual(['TIME-WAIT', 'CLOSED']);
  });

  it('end in CLOSED on an RST from the passive side', () => {
    const w = finWait2();
    w.send(SERVER, { seq: w.next[SERVER]!, ack: w.next[CLIENT]!, flags: RST | ACK });
    expect(w.states()).toEqual(['CLOSED', 'CLOSED']);
  });
});

describe('LAST-ACK and TIME-WAIT', () => {
  it('a lost last ACK: the passive side retransmits its FIN, nothing changes until the ACK', () => {
    const w = lastAck();
    w.say(CLIENT, 0);
    w.send(SERVER, { seq: w.next[SERVER]! - 1, ack: w.next[CLIENT]!, flags: FIN | ACK });
    expect(w.conn.dirs[SERVER].retransmissions).toBe(1);
    expect(w.states()).toEqual(['TIME-WAIT', 'CLOSED']);
  });

  it('flags segments that arrive after both have closed', () => {
    const w = lastAck();
    w.say(CLIENT, 0);
    w.say(CLIENT, 0);
    expect(w.conn.flags.has('late-segments')).toBe(true);
  });

  it('TIME-WAIT ends with an RST (Linux, tcp_rfc1337=0) or after 60 s', () => {
    const w = lastAck();
    w.say(CLIENT, 0);
    w.send(SERVER, { seq: w.next[SERVER]!, flags: RST });
    expect(w.state(CLIENT)).toBe('CLOSED');
    const v = lastAck();
    v.say(CLIENT, 0);
    v.finalize(v.time + 59);
    expect(v.state(CLIENT)).toBe('TIME-WAIT');
    v.finalize(v.time + 61);
    expect(v.state(CLIENT)).toBe('CLOSED');
    expect(v.conn.ends[CLIENT].timeline.steps.at(-1)).toMatchObject({ frame: null, cause: 'TIME-WAIT expired (60 s on Linux)' });
  });
});

describe('a capture that starts mid-stream', () => {
  it('starts both sides ESTABLISHED (inferred) and flags midstream', () => {
    const w = new Wire({ seq: 7000, ack: 9000, flags: ACK, len: 100 });
    expect(w.states()).toEqual(['ESTABLISHED', 'ESTABLISHED']);
    expect(w.conn.flags.has('midstream')).toBe(true);
    expect(w.conn.ends[SERVER].timeline.steps[0]).toMatchObject({ frame: 1, state: 'ESTABLISHED', inferred: true });
  });

  it('starts from the SYN-ACK when only the SYN was missed', () => {
    // Endpoint 0 is the first sender: here the server.
    const w = new Wire({ seq: 5000, ack: 101, flags: SYN | ACK });
    expect(w.states()).toEqual(['SYN-RECEIVED', 'SYN-SENT']);
    w.send(1, { seq: 101, ack: 5001, flags: ACK });
    expect(w.states()).toEqual(['ESTABLISHED', 'ESTABLISHED']);
  });
});
