import type { ConnectionReport } from '../diagnosis/report.js';
import { QuietSink, type FileEnd } from '../pipeline/sink.js';
import { offenderLines, tally, type Check, type Suite } from '../assert/expectations.js';

/** `assert`: one capture's checks, each fed every connection; the verdicts and JUnit XML are made from them at the end. */
export class ChecksSink extends QuietSink {
  /** The file's end, once read: a damaged capture cannot be judged. */
  ended: FileEnd | null = null;

  constructor(readonly checks: readonly Check[]) {
    super();
  }

  connection(c: ConnectionReport): void {
    for (const check of this.checks) check.add(c);
  }

  override async fileEnd(_file: string, end: FileEnd): Promise<void> {
    this.ended = end;
  }
}

/**
 * `assert`'s report: each readable file's verdicts (under its name when there are
 * several) with the offending connections, then the tally. A file that could not be
 * read is said on stderr instead, and counted as an error.
 */
export function checksText(suites: readonly Suite[], several: boolean): string {
  const out: string[] = [];
  for (const suite of suites) {
    if (!('verdicts' in suite)) continue;
    if (several) out.push(suite.file);
    for (const v of suite.verdicts) {
      out.push(`${v.outcome.toUpperCase()}  ${v.expectation.text}  (${v.message})`);
      for (const line of offenderLines(v)) out.push(`      ${line}`);
    }
  }
  const { tests, failures, errors } = tally(suites);
  out.push(`${tests - failures - errors} passed, ${failures} failed${errors === 0 ? '' : `, ${errors} error${errors === 1 ? '' : 's'}`}`);
  return out.join('\n') + '\n';
}
