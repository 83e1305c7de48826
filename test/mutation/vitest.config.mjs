// The tests mutation testing runs: those that exercise src/ in this process. The CLI
// tests run the built dist/ (which Stryker does not mutate), so they could kill no
// mutant and would only take time (so do the HTML report's, in a browser, over the CLI); the fuzzer's time-bounded runs are left out too, and
// the allocation counts, which Stryker's own instrumentation (it counts coverage) upsets.
// The pipeline's round trips (packed records, JSON written as bytes) compare its output
// with itself over every capture: a mutant in the code they read through changes both
// sides alike, so they only add their seconds to every mutant that survives.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/cli/**', 'test/report/**', 'test/pipeline/run.test.ts', 'test/pipeline/packed.test.ts', 'test/pipeline/report-json.test.ts', 'test/pipeline/tracking-thread.test.ts', 'test/api/package.test.ts', 'test/fuzz/**', 'test/decode/allocation.test.ts', 'node_modules/**', 'dist/**'],
    testTimeout: 120000,
  },
});
