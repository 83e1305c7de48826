import { describe, expect, it } from 'vitest';
import { isDestUnreachable } from '../../src/decode/icmp.js';
import { icmpReason } from '../../src/diagnosis/icmp.js';
import { pacing, span } from '../../src/diagnosis/words.js';
import type { IcmpRecord } from '../../src/track/report.js';

const icmp = (version: 4 | 6, type: number, code: number) => ({ version, type, code, frame: 1, time: 0, about: 'client' }) as IcmpRecord;

describe('ICMP destination unreachable', () => {
  it('is type 3 in ICMP and type 1 in ICMPv6, nothing else', () => {
    expect([icmp(4, 3, 1), icmp(6, 1, 4), icmp(4, 11, 0), icmp(6, 3, 0), icmp(4, 1, 0), icmp(6, 4, 0)].map((e) => isDestUnreachable(e.version, e.type))).toEqual([true, true, false, false, false, false]);
  });

  it('reads each ICMP code as Linux reports it to the application (icmp_err_convert)', () => {
    const got = Array.from({ length: 17 }, (_, code) => { const r = icmpReason(icmp(4, 3, code)); return `${code} ${r.detail} ${r.errno}`; });
    expect(got).toEqual([
      '0 net-unreachable ENETUNREACH', '1 host-unreachable EHOSTUNREACH', '2 protocol-unreachable ENOPROTOOPT', '3 port-unreachable ECONNREFUSED',
      '4 fragmentation-needed EMSGSIZE', '5 code-5 EOPNOTSUPP', '6 code-6 ENETUNREACH', '7 code-7 EHOSTDOWN', '8 code-8 ENONET',
      '9 administratively-prohibited ENETUNREACH', '10 administratively-prohibited EHOSTUNREACH', '11 code-11 ENETUNREACH', '12 code-12 EHOSTUNREACH',
      '13 administratively-prohibited EHOSTUNREACH', '14 code-14 EHOSTUNREACH', '15 code-15 EHOSTUNREACH', '16 code-16 EHOSTUNREACH',
    ]);
  });

  it('reads each ICMPv6 code as Linux does (tab_unreach; EPROTO beyond it)', () => {
    const got = Array.from({ length: 8 }, (_, code) => { const r = icmpReason(icmp(6, 1, code)); return `${code} ${r.detail} ${r.errno}`; });
    expect(got).toEqual([
      '0 no-route ENETUNREACH', '1 administratively-prohibited EACCES', '2 code-2 EHOSTUNREACH', '3 address-unreachable EHOSTUNREACH',
      '4 port-unreachable ECONNREFUSED', '5 administratively-prohibited EACCES', '6 administratively-prohibited EACCES', '7 code-7 EPROTO',
    ]);
  });
});

describe('times in words', () => {
  it('picks the unit that shows a span: microseconds under 1 ms, milliseconds under 1 s', () => {
    expect([0, 0.000350, 0.0009994, 0.001, 0.0412, 0.99994, 1, 12.34, 75].map(span)).toEqual(
      ['0 us', '350 us', '999 us', '1.0 ms', '41.2 ms', '999.9 ms', '1.0 s', '12.3 s', '75.0 s']);
  });

  it('calls intervals a growing back-off when they grow overall and none shrinks by half', () => {
    expect(pacing([0, 1, 3, 7])).toBe('with growing back-off (1.0 s, 2.0 s, 4.0 s apart)');
    expect(pacing([0, 1, 2.6])).toBe('with growing back-off (1.0 s, 1.6 s apart)');
    // Timer jitter: a gap a little short of the one before still grows overall.
    expect(pacing([0, 1, 3, 4.2, 8])).toBe('with growing back-off (1.0 s, 2.0 s, 1.2 s, 3.8 s apart)');
    expect(pacing([0, 2, 3, 7])).toBe('with growing back-off (2.0 s, 1.0 s, 4.0 s apart)'); // exactly half: still a back-off
  });

  it('calls them a steady pace otherwise, with their mean', () => {
    expect(pacing([0, 1, 2, 3])).toBe('1.0 s apart on average');
    expect(pacing([0, 1, 2.5])).toBe('1.3 s apart on average'); // the last is only 1.5 times the first
    expect(pacing([0, 2, 2.9, 5])).toBe('1.7 s apart on average'); // one gap fell below half the one before
    expect(pacing([0, 1, 1.4, 4.4])).toBe('1.5 s apart on average'); // so here, though the last is three times the first
    expect(pacing([0, 0.2])).toBe('200.0 ms apart on average'); // one gap is no trend
  });
});
