import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeFile } from '../../src/library.js';
import { SpilledRecords } from '../../src/pipeline/internal/spilled-records.js';
import { StreamOrder } from '../../src/pipeline/internal/stream-order.js';
import { REPO } from '../helpers/paths.js';

const drain = <T>(it: Iterable<T>): T[] => [...it];
const text = (line: string | Uint8Array): string => (typeof line === 'string' ? line : Buffer.from(line).toString());

describe('StreamOrder', () => {
  it('releases an item only once every earlier stream has been released', () => {
    const order = new StreamOrder<string>();
    order.add(2, 'c');
    order.add(1, 'b');
    expect(drain(order.ready())).toEqual([]);
    order.add(0, 'a');
    expect(drain(order.ready())).toEqual(['a', 'b', 'c']);
    order.add(5, 'f');
    order.add(3, 'd');
    expect(drain(order.ready())).toEqual(['d']);
    // Stream 4 never came (the table was full): the rest still leaves in order.
    expect(drain(order.rest())).toEqual(['f']);
  });
});

describe('SpilledRecords', () => {
  it('gives back spilled lines byte for byte, multi-byte characters included', () => {
    const held = new SpilledRecords(64);
    const order = new StreamOrder<string | Uint8Array>(held);
    const lines = Array.from({ length: 40 }, (_, i) => `{"stream":${i},"file":"capture-é-${'x'.repeat(i)}.pcap","note":"→"}`);
    for (let i = 39; i >= 1; i--) order.add(i, lines[i]!);
    expect(held.spilled).toBeGreaterThan(30);
    order.add(0, lines[0]!);
    expect(drain(order.ready()).map(text)).toEqual(lines);
    held.close();
  });

  it('reads back lines spilled in many runs, interleaved with lines still in memory', () => {
    const held = new SpilledRecords(100);
    const order = new StreamOrder<string | Uint8Array>(held);
    const lines = Array.from({ length: 500 }, (_, i) => `{"stream":${i},"pad":"${'y'.repeat(i % 97)}"}`);
    for (let i = 499; i >= 1; i--) order.add(i, lines[i]!);
    expect(held.spilled).toBeGreaterThan(400);
    order.add(0, lines[0]!);
    expect(drain(order.ready()).map(text)).toEqual(lines);
    expect(held.remaining()).toEqual([]);
    held.close();
  });

  it('starts the file over once nothing spilled is left, and keeps working', () => {
    const held = new SpilledRecords(10);
    const order = new StreamOrder<string | Uint8Array>(held);
    for (let round = 0; round < 3; round++) {
      const base = round * 5;
      for (let i = 4; i >= 0; i--) order.add(base + i, `round ${round} line ${i}`);
      expect(drain(order.ready()).map(text)).toEqual([0, 1, 2, 3, 4].map((i) => `round ${round} line ${i}`));
      expect(held.remaining()).toEqual([]);
    }
    held.close();
  });

  it('orders a real capture exactly as the in-memory order does, when every line went through the disk', async () => {
    const file = join(REPO, 'fixtures', 'lab', 'mixed.pcap');
    const expected = (await analyzeFile(file)).connections.map((c) => JSON.stringify(c));
    const held = new SpilledRecords(1);
    const order = new StreamOrder<string | Uint8Array>(held);
    const got: string[] = [];
    for await (const c of analyze(file, { order: 'finish' })) {
      order.add(c.stream, JSON.stringify(c));
      got.push(...[...order.ready()].map(text));
    }
    got.push(...[...order.rest()].map(text));
    held.close();
    expect(expected.length).toBeGreaterThan(250);
    expect(held.spilled).toBeGreaterThan(0);
    expect(got).toEqual(expected);
  });
});

describe('SpilledRecords without a temporary directory', () => {
  it('keeps what would have gone to disk in memory, and gives it back the same', () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = join(REPO, 'no-such-directory');
    try {
      const held = new SpilledRecords(64);
      const order = new StreamOrder<string | Uint8Array>(held);
      const lines = Array.from({ length: 200 }, (_, i) => `{"stream":${i},"pad":"${'z'.repeat(i % 150)}"}`);
      for (let i = 199; i >= 1; i--) order.add(i, lines[i]!);
      expect(held.spilled).toBeGreaterThan(150);
      expect(held.problem).toMatch(/no-such-directory/);
      order.add(0, lines[0]!);
      expect(drain(order.ready()).map(text)).toEqual(lines);
      held.close();
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});
