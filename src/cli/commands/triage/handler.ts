import { run } from '../../../pipeline/run.js';
import { QuietSink, type FileEnd } from '../../../pipeline/sink.js';
import type { ConnectionReport } from '../../../diagnosis/report.js';
import { TriageBuilder } from '../../../sinks/triage.js';
import { writeOut } from '../../../sinks/stdout.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine } from '../../fail.js';
import { outputWidth } from '../../terminal.js';
import { sparklineRoom, triageText } from './text.js';

export interface TriageArgs {
  file: string;
  format: 'text' | 'json';
}

/** For incidents: problems grouped by what they are about (scanner, client, service, server), over time, in words. */
export async function triageHandler(args: TriageArgs): Promise<number> {
  const sink = new TriageSink(args.format);
  // As connections finish: the builder's result does not depend on their order.
  await run([args.file], { order: 'finish' }, sink);
  return sink.exitCode;
}

/** The triage of one capture, as text for a terminal or JSON; a damaged capture gets its failure line only. */
class TriageSink extends QuietSink {
  private readonly builder = new TriageBuilder();
  exitCode = EXIT_OK;

  constructor(private readonly format: 'text' | 'json') {
    super();
  }

  connection(c: ConnectionReport): void {
    this.builder.add(c);
  }

  override async fileEnd(file: string, end: FileEnd): Promise<void> {
    if (end.failure !== null) {
      process.stderr.write(failureLine(file, end.failure) + '\n');
      this.exitCode = EXIT_BAD_INPUT;
      return;
    }
    try {
      await writeOut(this.render(file));
    } catch (err) {
      // A time the triage cannot print (a capture whose clock is out of range) is this file's failure, not a crash.
      process.stderr.write(failureLine(file, err) + '\n');
      this.exitCode = EXIT_BAD_INPUT;
    }
  }

  private render(file: string): string {
    if (this.format === 'json') return JSON.stringify({ file, ...this.builder.result() }, null, 2) + '\n';
    const width = outputWidth();
    return triageText(file, this.builder.result({ columns: sparklineRoom(width) }), width).join('\n') + '\n';
  }
}
