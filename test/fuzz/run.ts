/**
 * `npm run fuzz -- [CASES] [FIRST_SEED]`: the fuzz target by hand (default 1,000,000
 * cases). Prints progress every 10,000 cases and every failure with its seed.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fuzz, seedInputs } from './harness.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const cases = Number(process.argv[2] ?? 1_000_000);
const first = Number(process.argv[3] ?? 1);
const inputs = seedInputs(REPO);
const started = Date.now();
let failed = 0;
let errors = 0;
let slowest = 0;
for (let done = 0; done < cases; done += 10_000) {
  const batch = Math.min(10_000, cases - done);
  const r = await fuzz(inputs, batch, first + done);
  errors += r.errors;
  slowest = Math.max(slowest, r.slowest);
  for (const f of r.failures) {
    failed++;
    console.log(`FAIL seed ${f.seed} (${f.input}): ${f.problem}`);
  }
  console.log(`${done + batch} cases, ${errors} CaptureErrors, ${failed} failures, slowest ${slowest.toFixed(3)} s, ${((Date.now() - started) / 1000).toFixed(0)} s`);
}
process.exitCode = failed > 0 ? 1 : 0;
