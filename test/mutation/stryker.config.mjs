// @ts-check
/**
 * Mutation testing (npm run mutate): StrykerJS makes small changes to the code (a `<`
 * for a `<=`, a condition made true, a statement removed) and runs the tests that cover
 * each; a change no test notices is a gap in the tests. Not in CI: it takes far longer
 * than the test suite. Incremental: a re-run tests only the mutants in code, or covered
 * by tests, that changed since the last run. Everything it writes goes to
 * dist/mutation/ (the report: dist/mutation/mutation.html).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
const config = {
  testRunner: 'vitest',
  vitest: { configFile: 'test/mutation/vitest.config.mjs', related: false },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // The verdict's stages first (assert, state, diagnosis, track), then the reading
  // below them. A run over one part: --mutate 'src/track/direction.ts'.
  mutate: ['src/assert/**/*.ts', 'src/state/**/*.ts', 'src/diagnosis/**/*.ts', 'src/track/**/*.ts', 'src/capture/**/*.ts', 'src/decode/**/*.ts'],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'dist/mutation/incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'dist/mutation/mutation.html' },
  jsonReporter: { fileName: 'dist/mutation/mutation.json' },
  tempDirName: 'dist/stryker-tmp',
  ignorePatterns: ['dist', '.git'],
  // Stryker gives half the concurrency to TypeScript checkers and half to test runners
  // (ConcurrencyTokenProvider): 4 is two of each on two cores, the checkers waiting most
  // of the time; 3 would be two checkers and one runner.
  concurrency: 4,
  // A mutant that loops forever (a probe or sweep loop in the tracker made endless) is
  // stopped this long after its tests' own time; a minute made such mutants most of a run.
  timeoutMS: 10000,
  cleanTempDir: 'always',
};
export default config;
