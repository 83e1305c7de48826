import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';
import { fuzz, seedInputs } from './harness.js';

/**
 * Hostile input: 10,000 mutated captures (bit flips, truncations, corrupt lengths,
 * shuffled blocks) through the whole pipeline. Each finishes or fails with a
 * CaptureError; nothing else is thrown, nothing hangs. By hand: `npm run fuzz -- 1000000`.
 */
describe('fuzzing', () => {
  it('10,000 mutated captures: a result or a CaptureError, never anything else, never a hang', async () => {
    const inputs = seedInputs(REPO);
    expect(inputs.length).toBeGreaterThan(80);
    const { failures, errors, slowest } = await fuzz(inputs, 10_000);
    expect(failures.slice(0, 3)).toEqual([]);
    expect(errors).toBeGreaterThan(100); // the mutations do hit the error paths
    expect(slowest).toBeLessThan(5);
  }, 300_000);
});
