import { describe, expect, it } from 'vitest';
import { sortedUnique } from '../../src/diagnosis/sorted-unique.js';
import { ConnectionFlags } from '../../src/track/connection.js';

describe('sortedUnique', () => {
  it('sorts numbers numerically and strings by code unit, without repeats, short or long', () => {
    expect(sortedUnique([30, 4, 200, 4, 1])).toEqual([1, 4, 30, 200]);
    expect(sortedUnique(['port-reuse', 'Z', 'capture-loss', 'Z'])).toEqual(['Z', 'capture-loss', 'port-reuse']);
    const long = Array.from({ length: 40 }, (_, i) => (i * 37) % 23);
    expect(sortedUnique(long)).toEqual([...new Set(long)].sort((a, b) => a - b));
    expect(sortedUnique([])).toEqual([]);
    const words = Array.from({ length: 40 }, (_, i) => `f${(i * 37) % 23}`);
    expect(sortedUnique(words)).toEqual([...new Set(words)].sort());
  });
});

describe('ConnectionFlags', () => {
  it('lists the flags set, sorted, whatever order they came in', () => {
    const f = new ConnectionFlags();
    for (const flag of ['zero-window', 'port-reuse', 'capture-loss', 'midstream', 'port-reuse'] as const) f.add(flag);
    expect(f.list()).toEqual(['capture-loss', 'midstream', 'port-reuse', 'zero-window']);
    expect(f.has('midstream') && !f.has('icmp')).toBe(true);
    f.clear();
    expect(f.list()).toEqual([]);
  });
});
