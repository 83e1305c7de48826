import type { ConnectionReport } from '../diagnosis/report.js';
import { QuietSink, type FileEnd } from '../pipeline/sink.js';
import type { Check } from '../assert/expectations.js';

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
