import { offenderLines, tally, type Suite, type Tally } from '../assert/expectations.js';
import { escapeMarkup as xml } from './markup.js';

/** The counts as attributes, errors always: the JUnit schema has it on every suite, and some readers take none for unknown. */
const counts = ({ tests, failures, errors }: Tally): string => `tests="${tests}" failures="${failures}" errors="${errors}"`;

/**
 * JUnit XML: one test suite per capture, one test case per expectation. A failed
 * expectation is a <failure> listing its offenders; one that cannot be judged against
 * the capture, or a capture that cannot be read (one test case), is an <error>, which
 * dashboards show apart from failures and never as passed.
 */
export function junitXml(suites: readonly Suite[]): string {
  const body = suites.map((suite) => {
    const testcase = (name: string, inside = ''): string =>
      `    <testcase classname="${xml(suite.file)}" name="${xml(name)}"${inside === '' ? '/>' : `>\n      ${inside}\n    </testcase>`}`;
    const cases =
      'unreadable' in suite
        ? [testcase('read the capture', `<error message="${xml(suite.unreadable)}"/>`)]
        : suite.verdicts.map((v) => {
            const message = `message="${xml(v.message)}"`;
            if (v.outcome === 'pass') return testcase(v.expectation.text);
            if (v.outcome === 'error') return testcase(v.expectation.text, `<error ${message}/>`);
            return testcase(v.expectation.text, `<failure ${message}>${xml(offenderLines(v).join('\n'))}</failure>`);
          });
    const warnings = 'warnings' in suite && suite.warnings !== undefined && suite.warnings.length > 0 ? `\n    <system-err>${xml(suite.warnings.map((w) => `warning: ${w}`).join('\n'))}</system-err>` : '';
    return `  <testsuite name="${xml(suite.file)}" ${counts(tally([suite]))}>\n${cases.join('\n')}${warnings}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="teardown assert" ${counts(tally(suites))}>\n${body.join('\n')}\n</testsuites>\n`;
}
