// The tests mutation testing runs: those that exercise src/ in this process. The CLI
// tests run the built dist/ (which Stryker does not mutate), so they could kill no
// mutant and would only take time; the fuzzer's time-bounded runs are left out too, and
// the allocation counts, which Stryker's own instrumentation (it counts coverage) upsets.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/cli/**', 'test/pipeline/run.test.ts', 'test/pipeline/tracking-thread.test.ts', 'test/api/package.test.ts', 'test/fuzz/**', 'test/decode/allocation.test.ts', 'node_modules/**', 'dist/**'],
    testTimeout: 120000,
  },
});
