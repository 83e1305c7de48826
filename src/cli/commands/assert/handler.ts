import { readFile, writeFile } from 'node:fs/promises';
import { reportConnections } from '../../../analyze.js';
import { Check, ExpectationError, parseExpectation, parseRulesFile, type Expectation, type Verdict } from '../../../assert/expectations.js';
import { junitXml } from '../../../assert/junit.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, writeOut } from '../../fail.js';

/** An expectation did not hold (README "Exit codes"). */
export const EXIT_EXPECTATION_FAILED = 1;

export interface AssertArgs {
  files: string[];
  expect?: string | string[];
  rules?: string;
  junit?: string;
}

/** Checks expectations against each capture, for CI: 0 all hold, 1 one failed, 2 bad input. */
export async function assertHandler(args: AssertArgs): Promise<number> {
  let expectations: Expectation[];
  try {
    const texts = [args.expect ?? []].flat().map(String);
    if (args.rules !== undefined) texts.push(...parseRulesFile(await readFile(args.rules, 'utf8')));
    if (texts.length === 0) throw new ExpectationError('nothing to check: give --expect or --rules');
    expectations = texts.map(parseExpectation);
  } catch (err) {
    const what = err instanceof Error ? err.message : String(err);
    process.stderr.write(`teardown: ${args.rules !== undefined && !(err instanceof ExpectationError) ? `${args.rules}: ` : ''}${what}\n`);
    return EXIT_BAD_INPUT;
  }

  let exitCode = EXIT_OK;
  const suites: { file: string; verdicts: Verdict[] }[] = [];
  const out: string[] = [];
  for (const file of args.files) {
    let verdicts: Verdict[];
    try {
      // Streamed as connections finish: each check keeps counts and its first
      // offenders (by stream), not the connections.
      const checks = expectations.map((e) => new Check(e));
      await reportConnections(file, (c) => {
        for (const check of checks) check.add(c);
      });
      verdicts = checks.map((check) => check.verdict());
    } catch (err) {
      process.stderr.write(failureLine(file, err) + '\n');
      exitCode = EXIT_BAD_INPUT;
      continue;
    }
    suites.push({ file, verdicts });
    if (args.files.length > 1) out.push(file);
    for (const v of verdicts) {
      out.push(`${v.passed ? 'PASS' : 'FAIL'}  ${v.expectation.text}  (${v.message})`);
      for (const c of v.offenders) {
        out.push(`      stream ${c.stream}: ${c.ending}${c.detail === null ? '' : ` (${c.detail})`}, frames ${c.evidence.join(', ')}: ${c.explanation}`);
      }
      if (!v.passed && exitCode === EXIT_OK) exitCode = EXIT_EXPECTATION_FAILED;
    }
  }
  const verdicts = suites.flatMap((s) => s.verdicts);
  out.push(`${verdicts.filter((v) => v.passed).length} passed, ${verdicts.filter((v) => !v.passed).length} failed`);
  await writeOut(out.join('\n') + '\n');
  if (args.junit !== undefined) await writeFile(args.junit, junitXml(suites));
  return exitCode;
}
