import { decodeOptions, type DecodeArgs } from '../../decode-options.js';
import { run } from '../../../pipeline/run.js';
import { TriageSink } from '../../../sinks/triage-sink.js';
import { writeOut } from '../../../sinks/stdout.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine } from '../../fail.js';
import { outputWidth } from '../../terminal.js';

export interface TriageArgs extends DecodeArgs {
  file: string;
  format: 'text' | 'json';
}

/** For incidents: problems grouped by what they are about (scanner, client, service, server), over time, in words. */
export async function triageHandler(args: TriageArgs): Promise<number> {
  const sink = new TriageSink();
  // As connections finish: the builder's result does not depend on their order.
  await run([args.file], { order: 'finish', decode: decodeOptions(args) }, sink);
  const failure = sink.ended?.failure ?? null;
  if (failure !== null) {
    process.stderr.write(failureLine(args.file, failure) + '\n');
    return EXIT_BAD_INPUT;
  }
  try {
    await writeOut(sink.render(args.file, args.format, outputWidth()));
    return EXIT_OK;
  } catch (err) {
    // A time the triage cannot print (a capture whose clock is out of range) is this file's failure, not a crash.
    process.stderr.write(failureLine(args.file, err) + '\n');
    return EXIT_BAD_INPUT;
  }
}
