import { describe, expect, it } from 'vitest';
import { ACK, CLIENT, FIN, SERVER, SYN, Wire, established, synSent } from '../helpers/wire.js';

/** Segment classification and per-direction bookkeeping, one behaviour per test. */
describe('per-direction bookkeeping', () => {
  it('counts segments and payload bytes, and numbers relative to the ISN', () => {
    const w = established();
    const client = w.conn.dirs[CLIENT];
    expect([client.segments, client.bytes, client.isn]).toEqual([4, 100, 100]);
    expect(client.relative(w.next[CLIENT]!)).toBe(101);
  });

  it('negotiates window scaling only when both SYNs carry it (RFC 7323 2.2)', () => {
    const w = established();
    expect([w.conn.dirs[CLIENT].windowScale, w.conn.dirs[SERVER].windowScale]).toEqual([7, 7]);
    const v = synSent();
    v.send(SERVER, { seq: 5000, ack: 101, flags: 0x12 }); // SYN-ACK without the option
    expect([v.conn.dirs[CLIENT].windowScale, v.conn.dirs[SERVER].windowScale]).toEqual([0, 0]);
  });

  it('takes no base from a stale ACK (an earlier connection\'s socket answering the SYN)', () => {
    const w = synSent();
    w.send(SERVER, { seq: 777777, ack: 999, flags: ACK });
    w.send(SERVER, { seq: 5000, ack: 101, flags: SYN | ACK });
    expect(w.conn.dirs[SERVER].relative(5001)).toBe(1);
  });

  it('without a SYN, takes a side\'s base from the first ACK of it the peer sent, not from its own first segment', () => {
    // Captured mid-connection: the client has acknowledged server bytes up to 5201, and
    // the server's first captured segment starts there. Had the base come from that
    // segment, it would read as byte 1, hiding the 200 bytes the capture missed.
    const w = new Wire({ seq: 1001, ack: 5001, flags: ACK, len: 10 });
    w.send(SERVER, { seq: 5201, ack: 1011, flags: ACK, len: 10 });
    expect(w.conn.dirs[SERVER].relative(5201)).toBe(201);
    expect(w.conn.dirs[CLIENT].relative(1001)).toBe(1);
  });

  it('works across sequence-number wrap-around', () => {
    const isn = 0xffffff00;
    const w = new Wire({ seq: isn, flags: SYN });
    w.send(SERVER, { seq: 5000, ack: (isn + 1) >>> 0, flags: SYN | ACK });
    w.send(CLIENT, { seq: (isn + 1) >>> 0, ack: 5001, flags: ACK, len: 0x200 });
    w.send(CLIENT, { seq: (isn + 0x201) >>> 0, ack: 5001, flags: ACK, len: 100 });
    w.send(SERVER, { seq: 5001, ack: (isn + 0x265) >>> 0, flags: ACK });
    const d = w.conn.dirs[CLIENT];
    expect(d.nextSeq).toBe((isn + 0x265) >>> 0);
    expect([d.retransmissions, d.captureLossBytes, d.relative(d.nextSeq)]).toEqual([0, 0, 0x265]);
  });
});

describe('segment classification', () => {
  it('retransmission: the same bytes again, kept as a series with the original send', () => {
    const w = established();
    const seq = w.next[CLIENT]!;
    const first = w.say(CLIENT, 0, 500);
    const again = w.send(CLIENT, { seq, ack: w.next[SERVER]!, flags: ACK, len: 500 });
    const third = w.send(CLIENT, { seq, ack: w.next[SERVER]!, flags: ACK, len: 500 });
    const d = w.conn.dirs[CLIENT];
    expect([d.retransmissions, d.retransmittedBytes]).toEqual([2, 1000]);
    expect(d.series).toMatchObject({ seq, kind: 'data', frames: [first, again, third] });
    w.say(SERVER, 0);
    expect(d.series).toBeNull();
    expect(d.longestSeries).toBe(3);
  });

  it('keepalive: zero or one byte just below the next sequence number', () => {
    const w = established();
    w.send(CLIENT, { seq: w.next[CLIENT]! - 1, ack: w.next[SERVER]!, flags: ACK });
    w.send(CLIENT, { seq: w.next[CLIENT]! - 1, ack: w.next[SERVER]!, flags: ACK, len: 1 });
    expect(w.conn.dirs[CLIENT].keepalives).toBe(2);
    expect(w.conn.dirs[CLIENT].retransmissions).toBe(0);
    expect(w.conn.flags.has('keepalive')).toBe(true);
  });

  it('zero window and a window probe into it', () => {
    const w = established();
    w.send(SERVER, { seq: w.next[SERVER]!, ack: w.next[CLIENT]!, flags: ACK, window: 0 });
    w.send(CLIENT, { seq: w.next[CLIENT]!, ack: w.next[SERVER]!, flags: ACK, len: 1 });
    expect([w.conn.dirs[SERVER].zeroWindows, w.conn.dirs[CLIENT].windowProbes]).toEqual([1, 1]);
    expect(w.conn.flags.has('zero-window')).toBe(true);
  });

  it('a zero-window probe repeated is a probe each time, not a keepalive; the byte counts once the peer takes it', () => {
    const w = established();
    w.send(SERVER, { seq: w.next[SERVER]!, ack: w.next[CLIENT]!, flags: ACK, window: 0 });
    const probeSeq = w.next[CLIENT]!;
    for (let i = 0; i < 3; i++) {
      w.send(CLIENT, { seq: probeSeq, ack: w.next[SERVER]!, flags: ACK, len: 1 });
      // Each answered with the same ACK and the window still closed: no duplicate ACK.
      w.send(SERVER, { seq: w.next[SERVER]!, ack: probeSeq, flags: ACK, window: 0 });
    }
    const client = w.conn.dirs[CLIENT];
    expect([client.windowProbes, client.keepalives, client.retransmissions, w.conn.dirs[SERVER].dupAcks]).toEqual([3, 0, 0, 0]);
    expect(w.conn.flags.has('keepalive')).toBe(false);
    // The window opens and the probe byte is acknowledged: sent and seen, no loss, no gap.
    w.send(SERVER, { seq: w.next[SERVER]!, ack: probeSeq + 1, flags: ACK, window: 500 });
    w.send(CLIENT, { seq: probeSeq + 1, ack: w.next[SERVER]!, flags: ACK, len: 100 });
    expect([client.captureLossBytes, client.retransmissions, client.outOfOrder, client.nextSeq]).toEqual([0, 0, 0, probeSeq + 101]);
  });

  it('a probe whose byte the data after it carries again: nothing resent, nothing lost', () => {
    const w = established();
    w.send(SERVER, { seq: w.next[SERVER]!, ack: w.next[CLIENT]!, flags: ACK, window: 0 });
    const probeSeq = w.next[CLIENT]!;
    w.send(CLIENT, { seq: probeSeq, ack: w.next[SERVER]!, flags: ACK, len: 1 });
    w.send(SERVER, { seq: w.next[SERVER]!, ack: probeSeq, flags: ACK, window: 500 });
    w.send(CLIENT, { seq: probeSeq, ack: w.next[SERVER]!, flags: ACK, len: 100 });
    w.send(SERVER, { seq: w.next[SERVER]!, ack: probeSeq + 100, flags: ACK, window: 500 });
    const client = w.conn.dirs[CLIENT];
    expect([client.windowProbes, client.retransmissions, client.captureLossBytes, client.nextSeq]).toEqual([1, 0, 0, probeSeq + 100]);
  });

  it('duplicate ACKs: the same ACK and window again while data is outstanding', () => {
    const w = established();
    w.say(CLIENT, 0, 1000);
    const ack = w.next[CLIENT]! - 1000;
    for (let i = 0; i < 3; i++) w.send(SERVER, { seq: w.next[SERVER]!, ack, flags: ACK, window: 700 });
    expect(w.conn.dirs[SERVER].dupAcks).toBe(2);
  });

  it('capture loss: bytes acknowledged that the capture never saw', () => {
    const w = established();
    w.send(SERVER, { seq: w.next[SERVER]!, ack: w.next[CLIENT]! + 1460, flags: ACK });
    w.finalize();
    expect(w.conn.dirs[CLIENT].captureLossBytes).toBe(1460);
    expect(w.conn.flags.has('capture-loss')).toBe(true);
  });

  it('a gap the peer acknowledges without the tap seeing it is capture loss; one filled later is not', () => {
    const w = established();
    const seq = w.next[CLIENT]!;
    w.send(CLIENT, { seq: seq + 1000, ack: w.next[SERVER]!, flags: ACK, len: 500 });
    w.send(SERVER, { seq: w.next[SERVER]!, ack: seq + 1500, flags: ACK });
    expect(w.conn.dirs[CLIENT].captureLossBytes).toBe(1000);
    const v = established();
    const s2 = v.next[CLIENT]!;
    v.send(CLIENT, { seq: s2 + 1000, ack: v.next[SERVER]!, flags: ACK, len: 500 });
    v.time += 0.5;
    v.send(CLIENT, { seq: s2, ack: v.next[SERVER]!, flags: ACK, len: 1000 });
    expect([v.conn.dirs[CLIENT].retransmissions, v.conn.dirs[CLIENT].captureLossBytes]).toEqual([1, 0]);
  });

  it('out of order: a gap filled within 3 ms', () => {
    const w = established();
    const seq = w.next[CLIENT]!;
    w.send(CLIENT, { seq: seq + 1000, ack: w.next[SERVER]!, flags: ACK, len: 500 });
    w.time -= 0.0095; // the next frame comes 0.5 ms later
    w.send(CLIENT, { seq, ack: w.next[SERVER]!, flags: ACK, len: 1000 });
    expect([w.conn.dirs[CLIENT].outOfOrder, w.conn.dirs[CLIENT].retransmissions]).toEqual([1, 0]);
  });

  it('out of order in pieces: a gap filled by several reordered segments, each within 3 ms', () => {
    const w = established();
    const seq = w.next[CLIENT]!;
    w.send(CLIENT, { seq: seq + 3000, ack: w.next[SERVER]!, flags: ACK, len: 500 });
    for (const [from, len] of [[0, 1000], [1000, 1000], [2000, 1000]]) {
      w.time -= 0.0095;
      w.send(CLIENT, { seq: seq + from!, ack: w.next[SERVER]!, flags: ACK, len });
    }
    expect([w.conn.dirs[CLIENT].outOfOrder, w.conn.dirs[CLIENT].retransmissions]).toEqual([3, 0]);
    // Filled from its end too; then the gap is closed: the same bytes again are resent.
    const v = established();
    const s2 = v.next[CLIENT]!;
    v.send(CLIENT, { seq: s2 + 2000, ack: v.next[SERVER]!, flags: ACK, len: 500 });
    v.time -= 0.0095;
    v.send(CLIENT, { seq: s2 + 1000, ack: v.next[SERVER]!, flags: ACK, len: 1000 });
    v.time -= 0.0095;
    v.send(CLIENT, { seq: s2, ack: v.next[SERVER]!, flags: ACK, len: 1000 });
    v.time -= 0.0095;
    v.send(CLIENT, { seq: s2, ack: v.next[SERVER]!, flags: ACK, len: 1000 });
    expect([v.conn.dirs[CLIENT].outOfOrder, v.conn.dirs[CLIENT].retransmissions]).toEqual([2, 1]);
  });

  it('a bare ACK whose sequence number is past the data seen: the bytes between were sent, their copies resent', () => {
    const w = established();
    const seq = w.next[CLIENT]!;
    w.send(CLIENT, { seq: seq + 3000, ack: w.next[SERVER]!, flags: ACK });
    expect(w.conn.dirs[CLIENT].nextSeq).toBe(seq + 3000);
    w.time += 0.5;
    w.send(CLIENT, { seq, ack: w.next[SERVER]!, flags: ACK, len: 1000 });
    expect([w.conn.dirs[CLIENT].retransmissions, w.conn.dirs[CLIENT].retransmittedBytes, w.conn.dirs[CLIENT].captureLossBytes]).toEqual([1, 1000, 0]);
  });

  it('SACK blocks are counted; a retransmitted FIN joins a series of kind fin', () => {
    const w = established();
    w.send(SERVER, { seq: w.next[SERVER]!, ack: w.next[CLIENT]!, flags: ACK, sack: 2 });
    expect(w.conn.dirs[SERVER].sackSegments).toBe(1);
    const finSeq = w.next[CLIENT]!;
    w.say(CLIENT, FIN);
    w.send(CLIENT, { seq: finSeq, ack: w.next[SERVER]!, flags: FIN | ACK });
    expect(w.conn.dirs[CLIENT].series?.kind).toBe('fin');
  });
});
