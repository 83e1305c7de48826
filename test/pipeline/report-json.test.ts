import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionReport } from '../../src/diagnosis/report.js';
import { JsonBytes } from '../../src/pipeline/internal/json-bytes.js';
import { writeReportJson } from '../../src/pipeline/internal/report-json.js';
import { connectionsOf } from '../helpers/track.js';
import { CORPUS, HAS_CORPUS, corpusCaptures, labCaptures } from '../helpers/paths.js';

const captures = [...labCaptures(), ...(HAS_CORPUS ? corpusCaptures().map((f) => join(CORPUS, f)) : [])];

describe('report JSON written as bytes', () => {
  it('is what JSON.stringify writes, over every lab capture and the public corpus', async () => {
    const w = new JsonBytes(16); // tiny, so growing is exercised too
    let reports = 0;
    // Every optional part of the shape must occur, or the comparison proves less than it says.
    const seen = new Set<string>();
    for (const file of captures) {
      const { connections } = await connectionsOf(file);
      for (const c of connections) {
        const r = connectionReport(c);
        w.clear();
        writeReportJson(w, r);
        expect(w.bytes.toString('utf8'), `${file} stream ${r.stream}`).toBe(JSON.stringify(r));
        reports++;
        if (r.icmp.length > 0) seen.add('icmp');
        if (r.endingRst !== null) seen.add('endingRst');
        if (r.endingRst?.senderSilence === null) seen.add('silent RST sender');
        if (r.sides.client.unackedSeries !== null || r.sides.server.unackedSeries !== null) seen.add('unackedSeries');
        if (r.timeline.client.some((s) => s.frame === null)) seen.add('step without frame');
        if (r.detail !== null && r.closer !== null) seen.add('detail and closer');
      }
    }
    expect(reports).toBeGreaterThan(100);
    expect([...seen].sort()).toEqual(['detail and closer', 'endingRst', 'icmp', 'silent RST sender', 'step without frame', 'unackedSeries']);
  });

  it('compiles a writer for every kind of layout, long objects split over functions included', () => {
    interface Item {
      n: number;
      tags: string[];
    }
    interface Sample {
      a: number;
      b: string | null;
      c: boolean;
      empty: number[];
      grid: number[][];
      items: Item[];
      maybe: Item | null;
      nested: { deeper: { deepest: (string | null)[] } };
      [key: `f${number}`]: number;
    }
    const many = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, 'number'] as const));
    const layout = {
      object: {
        a: 'number',
        b: { nullable: 'string' },
        c: 'boolean',
        empty: { list: 'number' },
        grid: { list: { list: 'number' } },
        items: { list: { object: { n: 'number', tags: { list: 'string' } } } },
        maybe: { nullable: { object: { n: 'number', tags: { list: 'string' } } } },
        nested: { object: { deeper: { object: { deepest: { list: { nullable: 'string' } } } } } },
        ...many,
      },
    } as const;
    const write = JsonBytes.compile<Sample>(layout);
    const base = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, i * 1.5]));
    const records: Sample[] = [
      { a: 1, b: null, c: false, empty: [], grid: [], items: [], maybe: null, nested: { deeper: { deepest: [] } }, ...base },
      {
        a: -0.5,
        b: 'é "quoted"\n',
        c: true,
        empty: [],
        grid: [[], [1, 2], [3]],
        items: [{ n: 1, tags: [] }, { n: 2, tags: ['x', 'y'] }],
        maybe: { n: NaN, tags: ['☃'] },
        nested: { deeper: { deepest: [null, 'z', null] } },
        ...base,
      },
    ];
    const w = new JsonBytes(8);
    for (const r of records) {
      w.clear();
      write(w, r);
      expect(w.bytes.toString('utf8')).toBe(JSON.stringify(r));
    }
  });

  it('escapes and encodes text, and writes numbers, the way JSON.stringify does', () => {
    const w = new JsonBytes(4);
    const values = ['plain', 'quote " and \\ back', 'tab\tnew\nline\u0001', 'café → ☃', 'lone \ud800 surrogate', '', '\u007f'];
    const numbers = [0, -0, 7, -12, 2 ** 32 - 1, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER, 2 ** 60, 1795250783.947224, 1795250783.94723, 1795250783.9, 4294967295.999999, 0.000001, 0.0000015, 9.9e-7, 0.1, 0.5, 123.000001, 6.198883056640625e-6, -1.5, 1e21, Infinity, -Infinity, NaN];
    // Capture times and fractions of a second, to the microsecond and finer.
    let seed = 7;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20000; i++) {
      const whole = [0, 1, 59, 1795250783, 4294967295][i % 5]!;
      numbers.push(whole + Math.floor(random() * 1e6) / 1e6, whole + random(), whole + Math.floor(random() * 1e9) / 1e9);
    }
    for (const s of values) {
      w.clear();
      w.string(s);
      expect(w.bytes.toString('utf8')).toBe(JSON.stringify(s));
    }
    for (const n of numbers) {
      w.clear();
      w.number(n);
      expect(w.bytes.toString('utf8'), String(n)).toBe(JSON.stringify(n));
    }
  });
});
