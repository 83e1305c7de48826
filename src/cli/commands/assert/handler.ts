import { decodeOptions, type DecodeArgs } from '../../decode-options.js';
import { readFile, writeFile } from 'node:fs/promises';
import { run } from '../../../pipeline/run.js';
import { checksText, ChecksSink } from '../../../sinks/checks.js';
import { writeOut } from '../../../sinks/stdout.js';
import { Check, parseExpectation, parseRulesFile, tally, type Expectation, type Suite } from '../../../assert/expectations.js';
import { junitXml } from '../../../sinks/junit.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, warningLine } from '../../fail.js';

/** An expectation did not hold (README "Exit codes"). */
export const EXIT_EXPECTATION_FAILED = 1;

export interface AssertArgs extends DecodeArgs {
  files: string[];
  expect?: string | string[];
  rules?: string;
  junit?: string;
  all?: boolean;
}

/** The expectations of --expect and --rules, or the one line saying what is wrong with them. */
async function expectationsOf(args: AssertArgs): Promise<Expectation[] | string> {
  const expectations: Expectation[] = [];
  try {
    expectations.push(...[args.expect ?? []].flat().map((e) => parseExpectation(String(e))));
  } catch (err) {
    return `teardown: ${err instanceof Error ? err.message : String(err)}`;
  }
  if (args.rules !== undefined) {
    try {
      expectations.push(...parseRulesFile(await readFile(args.rules, 'utf8')));
    } catch (err) {
      return failureLine(args.rules, err);
    }
  }
  return expectations.length === 0 ? 'teardown: nothing to check: give --expect or --rules' : expectations;
}

/**
 * Checks expectations against each capture, for CI: 0 all hold, 1 one failed, 2 bad
 * input (including a capture that cannot be read or an expectation that cannot be
 * judged against it), which wins over a failure: the gate checked less than it says.
 */
export async function assertHandler(args: AssertArgs): Promise<number> {
  const expectations = await expectationsOf(args);
  if (typeof expectations === 'string') {
    process.stderr.write(expectations + '\n');
    return EXIT_BAD_INPUT;
  }

  const suites: Suite[] = [];
  for (const file of args.files) {
    const checks = new ChecksSink(expectations.map((e) => new Check(e, args.all)));
    // Streamed as connections finish: each check keeps counts and offender lines.
    await run([file], { order: 'finish', decode: decodeOptions(args) }, checks);
    const ended = checks.ended!;
    if (ended.failure !== null) {
      const line = failureLine(file, ended.failure);
      process.stderr.write(line + '\n');
      suites.push({ file, unreadable: line });
      continue;
    }
    const warnings = ended.warnings;
    // What the verdicts rest on may be less than the capture (cut short, connections not
    // tracked): said on stderr and in the JUnit suite, as analyze says it.
    for (const w of warnings) process.stderr.write(warningLine(file, w) + '\n');
    const verdicts = checks.checks.map((check) => check.verdict());
    suites.push({ file, verdicts, warnings });
  }
  await writeOut(checksText(suites, args.files.length > 1));
  const { failures, errors } = tally(suites);
  if (args.junit !== undefined) await writeFile(args.junit, junitXml(suites));
  return errors > 0 ? EXIT_BAD_INPUT : failures > 0 ? EXIT_EXPECTATION_FAILED : EXIT_OK;
}
