import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { connectionReport } from '../../src/diagnosis/report.js';
import { trackCapture } from '../../src/track/track-capture.js';
import type { TrackedConnection } from '../../src/track/report.js';
import { CaptureError } from '../../src/capture/errors.js';
import { JsonBytes } from '../../src/pipeline/internal/json-bytes.js';
import { trackedCodec } from '../../src/pipeline/internal/packed-reports.js';
import { writeReportJson } from '../../src/pipeline/internal/report-json.js';
import { mutate, prng } from './mutate.js';

/** Every capture fixture (and the shared corpus when present), as seed inputs. */
export function seedInputs(repo: string): { name: string; bytes: Buffer }[] {
  const dirs = [join(repo, 'fixtures', 'reader'), join(repo, 'fixtures', 'lab'), join(repo, '..', 'shared', 'corpus'), join(repo, '..', 'shared', 'corpus', 'bad')];
  const out: { name: string; bytes: Buffer }[] = [];
  for (const dir of dirs) {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      const path = join(dir, name);
      if (/\.(tsv|json|md)$/.test(name) || !statSync(path).isFile() || statSync(path).size > 300_000) continue;
      out.push({ name, bytes: readFileSync(path) });
    }
  }
  return out;
}

const json = new JsonBytes();
const packed = trackedCodec();

/**
 * A tracked connection packed and unpacked (as those that wait their turn are) against
 * itself, then its report's NDJSON bytes against JSON.stringify, on whatever hostile
 * input made them.
 */
function sameJson(c: TrackedConnection): void {
  if (JSON.stringify(packed.unpack(packed.pack(c))) !== JSON.stringify(c)) throw new Error(`stream ${c.stream}: the connection packed and unpacked differs`);
  const r = connectionReport(c);
  const expected = JSON.stringify(r);
  json.clear();
  writeReportJson(json, r);
  if (json.bytes.toString('utf8') !== expected) throw new Error(`stream ${r.stream}: the NDJSON line differs from JSON.stringify`);
}

export interface FuzzFailure {
  seed: number;
  input: string;
  problem: string;
}

/**
 * Runs `cases` mutated inputs through read → decode → track → diagnose as a pipe (no
 * known size). Each must finish or fail with a CaptureError, within `maxSeconds`.
 */
export async function fuzz(inputs: { name: string; bytes: Buffer }[], cases: number, firstSeed = 1, maxSeconds = 5): Promise<{ failures: FuzzFailure[]; errors: number; slowest: number }> {
  const failures: FuzzFailure[] = [];
  let errors = 0;
  let slowest = 0;
  for (let i = 0; i < cases; i++) {
    const seed = firstSeed + i;
    const random = prng(seed);
    const input = inputs[Math.floor(random() * inputs.length)]!;
    const bytes = mutate(input.bytes, random);
    const started = performance.now();
    try {
      await trackCapture(Readable.from([bytes]), sameJson);
    } catch (err) {
      if (err instanceof CaptureError) errors++;
      else failures.push({ seed, input: input.name, problem: err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err) });
    }
    const seconds = (performance.now() - started) / 1000;
    slowest = Math.max(slowest, seconds);
    if (seconds > maxSeconds) failures.push({ seed, input: input.name, problem: `took ${seconds.toFixed(1)} s` });
  }
  return { failures, errors, slowest };
}
