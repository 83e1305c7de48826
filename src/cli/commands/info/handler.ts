import { decodeOptions, type DecodeArgs } from '../../decode-options.js';
import { scan } from '../../../pipeline/packets.js';
import { InfoSink, infoText } from '../../../sinks/info.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, warningLine } from '../../fail.js';
import { writeOut } from '../../../sinks/stdout.js';

export interface InfoArgs extends DecodeArgs {
  files: string[];
  json: boolean;
}

/** Reads each capture to the end and reports its format, contents and problems. */
export async function infoHandler(args: InfoArgs): Promise<number> {
  const sink = new InfoSink();
  await scan(args.files, sink, decodeOptions(args));
  let exitCode = EXIT_OK;
  const shown: string[] = [];
  const json: object[] = [];
  for (const { failure, ...info } of sink.infos) {
    const error = failure === null ? null : failureLine(info.file, failure);
    for (const w of info.warnings) process.stderr.write(warningLine(info.file, w) + '\n');
    if (error !== null) {
      process.stderr.write(`${error}\n`);
      exitCode = EXIT_BAD_INPUT;
    }
    json.push({ ...info, error });
    // A file that could not be opened or recognised has nothing to describe.
    if (info.format !== null) shown.push(infoText({ ...info, failure }));
  }
  await writeOut(args.json ? JSON.stringify(json, null, 2) + '\n' : shown.join('\n'));
  return exitCode;
}
