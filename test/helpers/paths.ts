import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const READER_FIXTURES = join(REPO, 'fixtures', 'reader');
/** Public sample captures shared beside the repo (always present in CI). */
export const CORPUS = resolve(REPO, '..', 'shared', 'corpus');
export const HAS_CORPUS = existsSync(join(CORPUS, 'MANIFEST.tsv'));

/** Capture files of the corpus (not its notes, truth or bad/ folders). */
export function corpusCaptures(): string[] {
  return readdirSync(CORPUS).filter((f) => !/\.(tsv|md)$/.test(f) && f !== 'bad' && f !== 'truth');
}

export function corpusBadCaptures(): string[] {
  return readdirSync(join(CORPUS, 'bad')).filter((f) => !f.endsWith('.tsv'));
}

/** The lab captures (made by the Linux stack, fixtures/lab) and the demo capture. */
export function labCaptures(): string[] {
  const lab = join(REPO, 'fixtures', 'lab');
  return [join(REPO, 'fixtures', 'demo.pcap'), ...readdirSync(lab).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => join(lab, f))];
}
