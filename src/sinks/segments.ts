import type { PacketRecord } from '../capture/record.js';
import type { DecodeOutcome, PacketDecoder } from '../decode/packet.js';
import type { PacketFileEnd, PacketSink } from '../pipeline/packets.js';
import { LineWriter } from '../pipeline/output.js';
import { SEGMENT_COLUMNS, segmentRow } from './segment-rows.js';

/**
 * `segments`: every decoded TCP segment (and ICMP error about one) as a TSV row, in the
 * columns tshark gives the fixtures' truth files, streamed as the capture is read.
 */
export class SegmentsSink implements PacketSink {
  private readonly out = new LineWriter();
  /** Each file's end as it came (the command prints its failure or warnings). */
  readonly ends: { file: string; end: PacketFileEnd }[] = [];

  constructor() {
    this.out.push(SEGMENT_COLUMNS.join('\t'));
  }

  packet(rec: PacketRecord, decoder: PacketDecoder, outcome: DecodeOutcome): void {
    const row = segmentRow(rec, decoder, outcome);
    if (row !== null) this.out.push(row);
  }

  flush(): Promise<void> {
    return this.out.flush();
  }

  async fileEnd(file: string, end: PacketFileEnd): Promise<void> {
    this.ends.push({ file, end });
  }
}
