import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import { REPO } from '../helpers/paths.js';

/**
 * Every lab connection's explanation, word for word, against the approved text in
 * truth/lab-explanations.tsv (how it is made and reviewed: make-lab-explanations.mjs).
 * The other tests hold the verdicts exact and the explanations to properties (what
 * they may claim); this one catches a sentence that changes unseen: a wrong frame, a
 * side named the wrong way round, a clause dropped or added by a condition gone wrong.
 */
const TRUTH = join(REPO, 'test', 'diagnosis', 'truth', 'lab-explanations.tsv');

describe('lab explanations', () => {
  it('are word for word the approved ones, with the verdicts they explain', async () => {
    const rows = readFileSync(TRUTH, 'utf8').trimEnd().split('\n').slice(1).map((l) => l.split('\t'));
    const byFile = new Map<string, string[][]>();
    for (const r of rows) byFile.set(r[0]!, [...(byFile.get(r[0]!) ?? []), r]);
    expect(byFile.size).toBeGreaterThan(40);
    for (const [file, expected] of byFile) {
      const got = (await analyzeFile(join(REPO, file))).connections.map((c) =>
        [file, String(c.stream), c.ending, c.detail ?? '-', c.apps.client, c.apps.server, c.evidence.join(','), c.explanation],
      );
      expect(got, file).toEqual(expected);
    }
  });
});
