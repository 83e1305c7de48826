import { describe, expect, it } from 'vitest';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../src/decode/tcp.js';
import { ZeekHistory } from '../../src/track/history.js';

/** Zeek's history rules (base/protocols/conn/main.zeek, the `history` field's documentation). */
describe('Zeek history', () => {
  it('upper case for the originator, lower for the responder, in order of first occurrence', () => {
    const h = new ZeekHistory();
    h.segment(0, TCP_SYN, 100, 0, false, false);
    h.segment(1, TCP_SYN | TCP_ACK, 900, 0, false, false);
    h.segment(0, TCP_ACK, 101, 0, false, false);
    h.segment(0, TCP_ACK, 101, 10, false, false);
    h.segment(1, TCP_ACK, 901, 20, false, false);
    h.segment(0, TCP_FIN | TCP_ACK, 111, 0, false, false);
    h.segment(1, TCP_FIN | TCP_ACK, 921, 0, false, false);
    h.segment(0, TCP_ACK, 112, 0, false, false);
    expect(h.forClient(0)).toBe('ShADdFf');
  });

  it('records a, d once per direction but s, f, r again when the sequence number differs', () => {
    const h = new ZeekHistory();
    h.segment(0, TCP_SYN, 100, 0, false, false);
    h.segment(0, TCP_SYN, 100, 0, false, false); // a retransmitted SYN: same seq
    h.segment(0, TCP_SYN, 555, 0, false, false); // a new one
    h.segment(1, TCP_RST | TCP_ACK, 0, 0, false, false);
    h.segment(1, TCP_RST | TCP_ACK, 0, 0, false, false);
    expect(h.forClient(0)).toBe('SSr');
  });

  it('records t, w and g logarithmically: the 1st, 10th and 100th time', () => {
    const h = new ZeekHistory();
    for (let i = 0; i < 150; i++) h.segment(0, TCP_ACK, 100, 10, true, false);
    expect(h.forClient(0)).toBe('DTTT');
    const w = new ZeekHistory();
    for (let i = 0; i < 9; i++) w.segment(1, TCP_ACK, 100, 0, false, true);
    for (let i = 0; i < 10; i++) w.gap(1);
    expect(w.forClient(0)).toBe('awgg');
  });

  it('marks multi-flag packets q and FIN+RST i', () => {
    // Zeek's documentation names the letters but not whether the FIN of a SYN+FIN is
    // also recorded as f; only what it documents is asserted.
    const h = new ZeekHistory();
    h.segment(0, TCP_SYN | TCP_FIN, 1, 0, false, false);
    h.segment(1, TCP_FIN | TCP_RST, 1, 0, false, false);
    expect(h.forClient(0)).toMatch(/^Q/);
    expect(h.forClient(0)).toContain('i');
    expect(h.forClient(0)).not.toContain('S');
    const r = new ZeekHistory();
    r.segment(0, TCP_SYN | TCP_RST, 1, 0, false, false);
    expect(r.forClient(0)).toMatch(/^Q/);
  });

  it('flips case and prefixes ^ when the client is not the first sender', () => {
    const h = new ZeekHistory();
    h.segment(0, TCP_SYN | TCP_ACK, 900, 0, false, false);
    h.segment(1, TCP_ACK, 101, 0, false, false);
    expect(h.forClient(1)).toBe('^hA');
  });
});
