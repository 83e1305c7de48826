import { describe, expect, it } from 'vitest';
import { TCP_ACK, TCP_RST } from '../../src/decode/tcp.js';
import { DuplicateWindow } from '../../src/track/duplicates.js';
import { header } from '../helpers/wire.js';

/** A segment seen twice, as a tap on two interfaces shows it, against one sent twice. */
describe('captured duplicates', () => {
  const at = (time: number) => ({ frame: 0, time });
  const data = header({ seq: 100, ack: 500, flags: TCP_ACK, len: 100 });

  it('are the same IPv4 datagram in every field within 0.2 s', () => {
    const w = new DuplicateWindow();
    expect(w.isDuplicate(3, 77, data, at(10))).toBe(false);
    expect(w.isDuplicate(3, 77, data, at(10.1999))).toBe(true);
    // Another ID, another stream, another shape, or too late: sent again.
    expect(w.isDuplicate(3, 78, data, at(10.01))).toBe(false);
    expect(w.isDuplicate(4, 77, data, at(10.01))).toBe(false);
    expect(w.isDuplicate(3, 77, header({ seq: 100, ack: 500, flags: TCP_ACK, len: 100, window: 600 }), at(10.01))).toBe(false);
    expect(w.isDuplicate(3, 77, data, at(10.25))).toBe(false);
  });

  it('are never judged without an IP ID (IPv6), nor for RSTs with ID 0 (Linux\'s socketless replies)', () => {
    const w = new DuplicateWindow();
    expect(w.isDuplicate(3, -1, data, at(10))).toBe(false);
    expect(w.isDuplicate(3, -1, data, at(10))).toBe(false);
    const rst = header({ seq: 500, flags: TCP_RST });
    expect(w.isDuplicate(3, 0, rst, at(10))).toBe(false);
    expect(w.isDuplicate(3, 0, rst, at(10.001))).toBe(false);
    // ID 0 on other segments still identifies a copy; a non-zero ID on an RST too.
    expect(w.isDuplicate(3, 0, data, at(11))).toBe(false);
    expect(w.isDuplicate(3, 0, data, at(11.001))).toBe(true);
    expect(w.isDuplicate(3, 9, rst, at(12))).toBe(false);
    expect(w.isDuplicate(3, 9, rst, at(12.001))).toBe(true);
  });

  it('are remembered over the last 16 segments of the capture', () => {
    const w = new DuplicateWindow();
    w.isDuplicate(3, 1, data, at(10));
    for (let i = 0; i < 15; i++) w.isDuplicate(5, 100 + i, data, at(10));
    expect(w.isDuplicate(3, 1, data, at(10.01))).toBe(true);
    const v = new DuplicateWindow();
    v.isDuplicate(3, 1, data, at(10));
    for (let i = 0; i < 16; i++) v.isDuplicate(5, 100 + i, data, at(10));
    expect(v.isDuplicate(3, 1, data, at(10.01))).toBe(false);
  });
});
