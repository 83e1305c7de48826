import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PackedCodec } from '../../src/pipeline/internal/packed.js';
import { trackedCodec } from '../../src/pipeline/internal/packed-reports.js';
import { connectionsOf } from '../helpers/track.js';
import { CORPUS, HAS_CORPUS, corpusCaptures, labCaptures } from '../helpers/paths.js';

const captures = [...labCaptures(), ...(HAS_CORPUS ? corpusCaptures().map((f) => join(CORPUS, f)) : [])];

describe('packed records', () => {
  it('give back every tracked connection as it was, keys in the same order', async () => {
    const tracked = trackedCodec();
    let n = 0;
    for (const file of captures) {
      const { connections } = await connectionsOf(file);
      // All packed first, then all unpacked: each packing copied out of the codec's buffer.
      const packed = connections.map((c) => Buffer.from(tracked.pack(c)));
      const unpacked = packed.map((b) => tracked.unpack(b));
      for (let i = 0; i < connections.length; i++) {
        const c = connections[i]!;
        expect(unpacked[i], `${file} stream ${c.stream}`).toStrictEqual(c);
        expect(JSON.stringify(unpacked[i])).toBe(JSON.stringify(c));
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
  });

  it('write a unique string (a Community ID) out, without filling the table of interned ones', () => {
    const codec = new PackedCodec<{ kind: string; id: string }>({ object: { kind: 'string', id: 'unique-string' } });
    const ids = Array.from({ length: 300 }, (_, i) => `1:${String(i).padStart(27, 'x')}=`);
    const packed = ids.map((id) => Buffer.from(codec.pack({ kind: 'graceful', id })));
    expect(codec.newStrings()).toEqual(['graceful']);
    expect(packed.map((b) => codec.unpack(b).id)).toEqual(ids);
  });

  it('keep every number and string exactly, however many strings there are', () => {
    interface Sample {
      n: number;
      s: string;
      maybe: number | null;
      list: { flag: boolean; words: string[] }[];
    }
    const codec = new PackedCodec<Sample>({ object: { n: 'number', s: 'string', maybe: { nullable: 'number' }, list: { list: { object: { flag: 'boolean', words: { list: 'string' } } } } } });
    const numbers = [0, -0, 1, 239, 240, 65535, 2 ** 32 - 1, 2 ** 32, -1, -(2 ** 31), 0.5, 1795250783.947224, 6.198883056640625e-6, Number.MAX_SAFE_INTEGER, 2 ** 60, 1e-300, Infinity, -Infinity, NaN];
    const strings = ['', 'a', 'SYN-SENT', 'café ☃', 'lone \ud800 surrogate', 'x'.repeat(48), 'y'.repeat(49), `long, not interned: ${'é'.repeat(60)}`, `lone, long: ${'z'.repeat(60)}\udc00`];
    // Past the one-byte indexes (240) and past the table's limit (65,536): written out then.
    for (let i = 0; i < 70000; i++) strings.push(`s${i}`);
    const samples: Sample[] = [];
    for (let i = 0; i < Math.max(numbers.length, strings.length); i++) {
      samples.push({
        n: numbers[i % numbers.length]!,
        s: strings[i % strings.length]!,
        maybe: i % 3 === 0 ? null : numbers[(i * 7) % numbers.length]!,
        list: i % 5 === 0 ? [] : [{ flag: i % 2 === 0, words: [strings[(i * 13) % strings.length]!, ''] }, { flag: true, words: [] }],
      });
    }
    const packed = samples.map((s) => Buffer.from(codec.pack(s)));
    for (let i = 0; i < samples.length; i++) {
      const back = codec.unpack(packed[i]!);
      const want = samples[i]!;
      expect(Object.is(back.n, want.n), `number ${want.n}`).toBe(true);
      expect(back.maybe === null ? want.maybe === null : Object.is(back.maybe, want.maybe)).toBe(true);
      expect(back.s).toBe(want.s);
      expect(back.list).toStrictEqual(want.list);
      expect(Object.keys(back)).toEqual(['n', 's', 'maybe', 'list']);
    }
    // A short, repeated string takes a byte; a small number too.
    const small = codec.pack({ n: 7, s: 'SYN-SENT', maybe: null, list: [] });
    expect(small.length).toBe(4);
  });
});
