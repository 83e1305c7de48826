import { readCapture } from '../../../capture/reader.js';
import { formatWarning } from '../../../capture/errors.js';
import { PacketDecoder } from '../../../decode/packet.js';
import { SEGMENT_COLUMNS, segmentRow } from '../../../sinks/segment-rows.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, warningLine } from '../../fail.js';
import { LineWriter } from '../../../pipeline/internal/line-writer.js';

export interface SegmentsArgs {
  file: string;
}

/** Prints every decoded TCP segment (and ICMP error about one) as TSV, streaming. */
export async function segmentsHandler(args: SegmentsArgs): Promise<number> {
  const decoder = new PacketDecoder();
  const out = new LineWriter();
  out.push(SEGMENT_COLUMNS.join('\t'));
  const flush = (): Promise<void> => out.flush();
  try {
    const summary = await readCapture(
      args.file,
      (rec) => {
        const row = segmentRow(rec, decoder, decoder.decode(rec));
        if (row !== null) out.push(row);
      },
      { beforeRead: flush },
    );
    await flush();
    for (const w of summary.warnings) process.stderr.write(warningLine(args.file, formatWarning(w)) + '\n');
    return EXIT_OK;
  } catch (err) {
    await flush();
    process.stderr.write(failureLine(args.file, err) + '\n');
    return EXIT_BAD_INPUT;
  }
}
