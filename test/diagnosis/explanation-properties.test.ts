import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaptureError } from '../../src/capture/errors.js';
import { connectionReport, type ConnectionReport } from '../../src/diagnosis/report.js';
import { trackCapture } from '../../src/track/track-capture.js';
import type { TrackedConnection } from '../../src/track/report.js';
import { CORPUS, HAS_CORPUS, corpusCaptures, labCaptures } from '../helpers/paths.js';
import { DETAIL_PATTERNS, DETAILS } from '../../src/diagnosis/types.js';

/**
 * What an explanation may claim (teardown.md), as properties of every connection of
 * every lab fixture and corpus capture: it says only what the capture shows, with the
 * verdict's own numbers. Each property is checked where it applies and counted, so a
 * property that stops applying anywhere fails too.
 */
async function analysed(file: string): Promise<{ reports: ConnectionReport[]; frames: Map<number, Set<number>> }> {
  const tracked: TrackedConnection[] = [];
  const frames = new Map<number, Set<number>>();
  try {
    await trackCapture(file, (c) => tracked.push(c), {
      onSegment: (rec, _d, stream) => {
        if (stream < 0) return;
        if (!frames.has(stream)) frames.set(stream, new Set());
        frames.get(stream)!.add(rec.frame);
      },
    });
  } catch (err) {
    if (!(err instanceof CaptureError)) throw err;
  }
  return { reports: tracked.map(connectionReport), frames };
}

const other = (s: 'client' | 'server'): 'client' | 'server' => (s === 'client' ? 'server' : 'client');
const files = [...labCaptures(), ...(HAS_CORPUS ? corpusCaptures().map((f) => join(CORPUS, f)) : [])];

describe('explanations, over every connection of every capture', () => {
  it('claim only what the capture shows', async () => {
    const applied = { evidence: 0, eof: 0, closedFirst: 0, silence: 0, frames: 0 };
    for (const file of files) {
      const { reports, frames } = await analysed(file);
      for (const c of reports) {
        const where = `${file} stream ${c.stream}: ${c.explanation}`;
        // Every detail is one the contract lists (DETAILS, docs/endings.md), so that assert accepts it.
        if (c.detail !== null) expect(DETAILS[c.ending].includes(c.detail) || DETAIL_PATTERNS[c.ending]?.test(c.detail) === true, `${where} (detail ${c.detail})`).toBe(true);
        // An RST captured in the next stream on the ports (and the stale ACK it answered)
        // can end this one: those frames are its evidence too, and the words say which stream.
        const later = c.endedInStream !== null ? [...(frames.get(c.endedInStream.stream) ?? [])] : [];
        if (c.endedInStream !== null) expect(c.explanation, `${file} ${c.stream}`).toContain(`stream ${c.endedInStream.stream}`);
        const own = new Set([...(frames.get(c.stream) ?? []), ...c.icmp.map((e) => e.frame), ...later]);
        // Every evidence frame, and every frame the words cite, belongs to the connection.
        for (const f of c.evidence) expect(own.has(f), `${where} (evidence ${f})`).toBe(true);
        applied.evidence += c.evidence.length;
        for (const m of c.explanation.matchAll(/frames? (\d+)\b/g)) {
          expect(own.has(Number(m[1])), `${where} (cites ${m[1]})`).toBe(true);
          applied.frames++;
        }
        // No number that is not one.
        expect(c.explanation, where).not.toMatch(/NaN|Infinity|undefined|null|-\d+(\.\d+)? (s|ms|us)\b/);
        // Nothing is called long, and a silence in seconds is at least one.
        expect(c.explanation, where).not.toMatch(/\blong before\b/);
        for (const m of c.explanation.matchAll(/([\d.]+) s of silence/g)) {
          expect(Number(m[1]), where).toBeGreaterThanOrEqual(1);
          applied.silence++;
        }
        // An application saw EOF only if its peer's FIN was sent and reached it (acknowledged).
        for (const side of ['client', 'server'] as const) {
          if (!/EOF/.test(c.apps[side])) continue;
          const peer = c.sides[other(side)];
          // A FIN captured, or shown by the ACK of it in a one-sided capture (finInferred).
          expect(peer.fins > 0 || peer.finInferred, `${where} (${side} saw EOF)`).toBe(true);
          expect(peer.finAckedFrame, `${where} (${side} saw EOF)`).not.toBeNull();
          applied.eof++;
        }
        // An RST after a FIN: the explanation names who closed first.
        if (c.endingRst !== null && c.ending === 'reset') {
          const fins = (['client', 'server'] as const).filter((s) => c.sides[s].finFrame !== null && c.sides[s].finFrame! < c.endingRst!.frame);
          if (fins.length > 0) {
            const first = fins.reduce((a, b) => (c.sides[a].finFrame! <= c.sides[b].finFrame! ? a : b));
            expect(c.explanation, where).toContain(`the ${first} closed`);
            expect(c.explanation, where).toContain(`frame ${c.sides[first].finFrame}`);
            applied.closedFirst++;
          }
        }
      }
    }
    // Each property met real cases (numbers from the fixtures and corpus of this commit).
    expect(applied.evidence).toBeGreaterThan(1000);
    expect(applied.frames).toBeGreaterThan(100);
    expect(applied.eof).toBeGreaterThan(100);
    expect(applied.closedFirst).toBeGreaterThan(20);
    expect(applied.silence).toBeGreaterThan(0);
  });
});
