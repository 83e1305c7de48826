import { decodeOptions, type DecodeArgs } from '../../decode-options.js';
import { scan } from '../../../pipeline/packets.js';
import { SegmentsSink } from '../../../sinks/segments.js';
import { readWarnings } from '../../../pipeline/warnings.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, warningLine } from '../../fail.js';

export interface SegmentsArgs extends DecodeArgs {
  file: string;
}

/** Prints every decoded TCP segment (and ICMP error about one) as TSV, streaming. */
export async function segmentsHandler(args: SegmentsArgs): Promise<number> {
  const sink = new SegmentsSink();
  await scan([args.file], sink, decodeOptions(args));
  const { file, end } = sink.ends[0]!;
  if (end.failure !== null) {
    process.stderr.write(failureLine(file, end.failure) + '\n');
    return EXIT_BAD_INPUT;
  }
  // With what the rows leave out (--checksums' bad segments, malformed headers, ...), as analyze says it.
  for (const w of readWarnings(end.summary, end.decoder.counts)) process.stderr.write(warningLine(file, w) + '\n');
  return EXIT_OK;
}
