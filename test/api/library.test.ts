import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { analyze, analyzeFile, CaptureError } from '../../src/index.js';
import { ENDINGS } from '../../src/diagnosis/types.js';
import { READER_FIXTURES, REPO } from '../helpers/paths.js';

const DEMO = join(REPO, 'fixtures', 'demo.pcap');

describe('library API', () => {
  it('analyzeFile returns every connection in stream order, a summary and warnings', async () => {
    const r = await analyzeFile(DEMO);
    expect(r.connections.map((c) => c.stream)).toEqual(r.connections.map((_, i) => i));
    expect(r.summary.connections).toBe(r.connections.length);
    expect(Object.values(r.summary.byEnding).reduce((a, b) => a + b, 0)).toBe(r.connections.length);
    // The demo holds one connection (at least) of every ending.
    expect(Object.keys(r.summary.byEnding).sort()).toEqual([...ENDINGS].sort());
    expect(r.warnings).toEqual([]);
  });

  it('analyze streams the same reports, in the same order', async () => {
    const whole = await analyzeFile(DEMO);
    const streamed = [];
    for await (const c of analyze(DEMO, { buffered: 2 })) streamed.push(c);
    expect(streamed).toEqual(whole.connections);
  });

  it("analyze with order 'finish' gives the same reports as they end, filter applied", async () => {
    const whole = await analyzeFile(DEMO);
    const finished = [];
    for await (const c of analyze(DEMO, { order: 'finish', buffered: 2 })) finished.push(c);
    expect([...finished].sort((a, b) => a.stream - b.stream)).toEqual(whole.connections);
    expect(finished.map((c) => c.stream)).not.toEqual(whole.connections.map((c) => c.stream));
    const times = finished.map((c) => c.reportedAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const resets = [];
    for await (const c of analyze(DEMO, { order: 'finish', filter: { endings: ['reset'] } })) resets.push(c.ending);
    expect(resets).toEqual(whole.connections.filter((c) => c.ending === 'reset').map((c) => c.ending));
  });

  it('stops reading when the consumer stops', async () => {
    // The demo 2,000 times over, each copy two hours after the last (past the
    // tracker's memory of closed connections), made only as the reader asks for it.
    const demo = readFileSync(DEMO);
    let copies = 0;
    const endless = Readable.from(
      (function* () {
        yield demo.subarray(0, 24);
        for (; copies < 2000; copies++) yield shifted(demo, copies * 7200);
      })(),
    );
    const seen: number[] = [];
    for await (const c of analyze(endless, { buffered: 1 })) {
      seen.push(c.stream);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual([0, 1]);
    // Reading went on only as far as the reader's own read-ahead.
    expect(copies).toBeLessThan(50);
  });

  it('filters', async () => {
    const r = await analyzeFile(DEMO, { filter: { endings: ['reset'] } });
    expect(r.connections.length).toBeGreaterThan(3);
    expect(new Set(r.connections.map((c) => c.ending))).toEqual(new Set(['reset']));
  });

  it('rejects a damaged capture with a CaptureError naming the byte offset', async () => {
    await expect(analyzeFile(join(READER_FIXTURES, 'broken-magic.pcap'))).rejects.toBeInstanceOf(CaptureError);
    await expect(analyzeFile(join(READER_FIXTURES, 'broken-magic.pcap'))).rejects.toThrow(/at byte 0$/);
  });
});

describe('a filter the library cannot read', () => {
  it('is refused before any connection is reported, as a HostPatternError', async () => {
    const { analyze, analyzeFile, HostPatternError } = await import('../../src/index.js');
    const demo = join(REPO, 'fixtures', 'demo.pcap');
    await expect(analyzeFile(demo, { filter: { hosts: ['example.com'] } })).rejects.toThrow(HostPatternError);
    const seen: number[] = [];
    await expect(
      (async () => {
        for await (const c of analyze(demo, { filter: { hosts: ['198.18.1.2', 'not-an-address'] }, order: 'finish' })) seen.push(c.stream);
      })(),
    ).rejects.toThrow(/"not-an-address" is not an IPv4 or IPv6 address or network/);
    expect(seen).toEqual([]);
  });
});

/** A little-endian classic pcap's records (after its 24-byte header), each `seconds` later. */
function shifted(pcap: Buffer, seconds: number): Buffer {
  const records = Buffer.from(pcap.subarray(24));
  for (let at = 0; at + 16 <= records.length; at += 16 + records.readUInt32LE(at + 8)) records.writeUInt32LE(records.readUInt32LE(at) + seconds, at);
  return records;
}
