// The tests mutation testing runs: those that exercise src/ in this process. The CLI
// tests run the built dist/ (which Stryker does not mutate), so they could kill no
// mutant and would only take time; the fuzzer's time-bounded runs are left out too.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/cli/**', 'test/api/package.test.ts', 'test/fuzz/**', 'node_modules/**', 'dist/**'],
    testTimeout: 120000,
  },
});
