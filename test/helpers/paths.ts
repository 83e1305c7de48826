import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const READER_FIXTURES = join(REPO, 'fixtures', 'reader');
/**
 * The folder of public sample captures beside the repository (always present in CI).
 * TEARDOWN_SHARED names it from elsewhere: mutation testing runs the tests in a copy of
 * the repository, in another place.
 */
const SHARED = process.env.TEARDOWN_SHARED ?? resolve(REPO, '..', 'shared');
/** Public sample captures with tshark's view of each and the expert's verdicts. */
export const CORPUS = join(SHARED, 'corpus');
export const HAS_CORPUS = existsSync(join(CORPUS, 'MANIFEST.tsv'));
/** Twelve of Zeek's own test traces with the conn.log Zeek wrote for each. */
export const ZEEK_DIR = join(SHARED, 'zeek');
export const HAS_ZEEK = existsSync(join(ZEEK_DIR, 'MANIFEST.tsv'));

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
