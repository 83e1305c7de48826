import { describe, expect, it } from 'vitest';
import { hostMatches, parseHostPattern } from '../../src/pipeline/host-pattern.js';

const inside = (pattern: string, ip: string): boolean => hostMatches(parseHostPattern(pattern), ip);

describe('host patterns', () => {
  it('match an IPv6 address however it is spelled', () => {
    for (const spelling of ['fd00:7d::1:2', 'FD00:7D::1:2', '[fd00:7d::1:2]', 'fd00:7d:0:0:0:0:1:2', 'fd00:007d:0000::0001:0002', 'fd00:7d::1:2%eth0', 'fd00:7d::0.1.0.2']) {
      expect(inside(spelling, 'fd00:7d::1:2'), spelling).toBe(true);
      expect(inside(spelling, 'fd00:7d::1:3'), spelling).toBe(false);
    }
  });

  it('match networks by prefix length, at and across group boundaries', () => {
    expect(inside('198.18.1.0/24', '198.18.1.200')).toBe(true);
    expect(inside('198.18.1.0/24', '198.18.2.1')).toBe(false);
    expect(inside('198.18.0.0/15', '198.19.255.255')).toBe(true);
    expect(inside('198.18.0.0/15', '198.20.0.0')).toBe(false);
    expect(inside('0.0.0.0/0', '203.0.113.7')).toBe(true);
    expect(inside('fd00:7d::/64', 'fd00:7d::5:2')).toBe(true);
    expect(inside('fd00:7d::/64', 'fd00:7e::5:2')).toBe(false);
    expect(inside('fd00:7d::/31', 'fd00:7c::1')).toBe(true);
    expect(inside('fd00:7d::/32', 'fd00:7c::1')).toBe(false);
  });

  it('keep the versions apart: an IPv4 pattern never matches an IPv6 address, even v4-mapped', () => {
    expect(inside('198.18.1.2', '::ffff:198.18.1.2')).toBe(false);
    expect(inside('::ffff:198.18.1.2', '198.18.1.2')).toBe(false);
    expect(inside('0.0.0.0/0', 'fd00:7d::1')).toBe(false);
  });

  it('refuse what is not an address or a network', () => {
    for (const bad of ['bogus', '198.18.1', '198.18.1.256', '198.18.1.0/33', 'fd00::/129', 'fd00:::1', '1:2:3:4:5:6:7:8:9', '1::2::3', '198.18.1.0/24/8', 'fd00:7d::1:2:', '']) {
      expect(() => parseHostPattern(bad), bad).toThrow(/is not an IPv4 or IPv6 address or network/);
    }
  });
});
