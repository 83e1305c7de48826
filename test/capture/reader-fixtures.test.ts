import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { asTrickle, readFramesTruth, readRows } from '../helpers/read.js';
import { READER_FIXTURES } from '../helpers/paths.js';

/**
 * Every fixture in fixtures/reader (real namespace captures and the variants derived
 * from them) against its manifest row: tshark's per-frame view where the file has one,
 * and the expected warning or error, with the byte offset known from how it was made.
 */
interface Expectation {
  file: string;
  truth: string;
  outcome: 'ok' | 'warning' | 'error';
  kind: string;
  offset: string;
  frames: string;
}

const manifest: Expectation[] = readFileSync(join(READER_FIXTURES, 'MANIFEST.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [file, truth, outcome, kind, offset, frames] = line.split('\t');
    return { file, truth, outcome, kind, offset, frames } as Expectation;
  });

describe('reader fixtures', () => {
  it('cover every format, link type and failure the issue lists', () => {
    expect(manifest.length).toBeGreaterThanOrEqual(45);
    expect(manifest.filter((m) => m.outcome === 'error').length).toBeGreaterThanOrEqual(12);
  });

  for (const m of manifest) {
    const path = join(READER_FIXTURES, m.file);
    describe(m.file, () => {
      if (m.truth !== '-') {
        it("decodes every frame as tshark does", async () => {
          const truth = readFramesTruth(join(READER_FIXTURES, m.truth));
          const { rows, summary } = await readRows(path);
          expect(summary?.frames).toBe(truth.frames);
          expect(rows).toEqual(truth.rows);
          expect(truth.rows.length).toBeGreaterThan(0);
        });
      }

      it(`ends as expected (${m.outcome}${m.kind ? ` ${m.kind}` : ''})`, async () => {
        const { summary, error } = await readRows(path);
        if (m.outcome === 'error') {
          expect(error?.kind).toBe(m.kind);
          expect(error?.offset).toBe(Number(m.offset));
          expect(error?.message).toMatch(/ at byte \d+$/);
          expect(summary?.frames ?? 0).toBe(Number(m.frames));
          return;
        }
        expect(error).toBeNull();
        const kinds = summary!.warnings.map((w) => w.kind);
        if (m.outcome === 'ok') expect(kinds).toEqual([]);
        else expect(kinds).toContain(m.kind);
        if (m.offset !== '') expect(summary!.warnings.find((w) => w.kind === m.kind)?.offset).toBe(Number(m.offset));
        if (m.frames !== '') expect(summary!.frames).toBe(Number(m.frames));
      });

      it('gives the same result through a 61-byte window and through a trickling pipe', async () => {
        const whole = await readRows(path);
        const tiny = await readRows(path, { windowBytes: 61 });
        const piped = await readRows(asTrickle(path, 997));
        // A length beyond the end of a file is corruption only where the file's size is
        // known; through a pipe it looks like a capture cut short, and must say so.
        if (whole.error?.message.includes('more than the whole file')) {
          expect(piped.error).toBeNull();
          expect(piped.summary?.warnings.map((w) => w.kind)).toEqual(['truncated']);
          expect(piped.rows).toEqual(whole.rows);
          expect(tiny.error?.offset).toBe(whole.error.offset);
          return;
        }
        for (const other of [tiny, piped]) {
          expect(other.rows).toEqual(whole.rows);
          expect(other.summary?.frames).toBe(whole.summary?.frames);
          expect(other.error?.kind).toBe(whole.error?.kind);
          expect(other.error?.offset).toBe(whole.error?.offset);
          expect(other.summary?.warnings.map((w) => [w.kind, w.offset])).toEqual(whole.summary?.warnings.map((w) => [w.kind, w.offset]));
        }
      });
    });
  }
});
