import type { Verdict } from './expectations.js';

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** JUnit XML: one test suite per capture, one test case per expectation. */
export function junitXml(suites: { file: string; verdicts: Verdict[] }[]): string {
  const total = suites.reduce((n, s) => n + s.verdicts.length, 0);
  const failed = suites.reduce((n, s) => n + s.verdicts.filter((v) => !v.passed).length, 0);
  const body = suites.map(({ file, verdicts }) => {
    const cases = verdicts.map((v) => {
      const name = xml(v.expectation.text);
      if (v.passed) return `    <testcase classname="${xml(file)}" name="${name}"/>`;
      const details = v.offenders.map((c) => `stream ${c.stream}: ${c.ending}${c.detail === null ? '' : ` (${c.detail})`}; frames ${c.evidence.join(', ')}; ${c.explanation}`).join('\n');
      return `    <testcase classname="${xml(file)}" name="${name}">\n      <failure message="${xml(v.message)}">${xml(details)}</failure>\n    </testcase>`;
    });
    const f = verdicts.filter((v) => !v.passed).length;
    return `  <testsuite name="${xml(file)}" tests="${verdicts.length}" failures="${f}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="teardown assert" tests="${total}" failures="${failed}">\n${body.join('\n')}\n</testsuites>\n`;
}
