import { describe, expect, it } from 'vitest';
import { gaveUp } from '../../src/state/backoff.js';

describe('gaveUp', () => {
  it('waits for the doubled last interval and a quarter more', () => {
    // Last interval 1 s: the next would come 2 s after the last attempt; with the margin, 2.5 s.
    expect(gaveUp([10, 11], 11 + 2.49)).toBe(false);
    expect(gaveUp([10, 11], 11 + 2.5)).toBe(false); // exactly at the margin: not yet
    expect(gaveUp([10, 11], 11 + 2.51)).toBe(true);
    // Only the last interval counts (RFC 6298 5.5 doubles it each time).
    expect(gaveUp([0, 8, 9], 9 + 2.49)).toBe(false);
    expect(gaveUp([0, 8, 9], 9 + 2.51)).toBe(true);
  });

  it('takes the next interval as at least 200 ms (Linux TCP_RTO_MIN), so close retransmissions are not given up at once', () => {
    expect(gaveUp([5, 5.01], 5.01 + 0.249)).toBe(false);
    expect(gaveUp([5, 5.01], 5.01 + 0.251)).toBe(true);
  });

  it('never gives up a single transmission: it has no interval to go by', () => {
    expect(gaveUp([], 1000)).toBe(false);
    expect(gaveUp([5], 1000)).toBe(false);
  });
});
