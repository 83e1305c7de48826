import { readCapture, type CaptureInput, type CaptureSummary } from '../capture/reader.js';
import type { PacketRecord } from '../capture/record.js';
import { PacketDecoder, type DecodeOptions, type DecodeOutcome } from '../decode/packet.js';
import { nameOf } from './run.js';

/**
 * Where the packet pipeline (scan) delivers: the outputs about packets rather than
 * connections (`segments`, `info`). Each packet arrives decoded, in file order; the
 * record and the decoder are reused for the next packet, so a sink copies what it keeps.
 */
export interface PacketSink {
  packet(rec: PacketRecord, decoder: PacketDecoder, outcome: DecodeOutcome): void;
  /** Awaited before each read of the input, so a slow consumer slows the reading. */
  flush(): Promise<void>;
  /** A file read to its end, or failed after every packet before the damage. */
  fileEnd(file: string, end: PacketFileEnd): Promise<void>;
}

/** What a file's read leaves besides its packets. */
export interface PacketFileEnd {
  /** What the reader learnt; null only when the file could not be opened at all. */
  summary: CaptureSummary | null;
  /** The decoder that saw every packet: its counts say what was not TCP. */
  decoder: PacketDecoder;
  /** Null when the capture was read to its end; else why it stopped (a CaptureError). */
  failure: Error | null;
}

/**
 * The packet pipeline: reads and decodes each input in turn and delivers every packet,
 * then the file's end, to `sink`. No tracking: it is the stage `run` builds on, for
 * outputs that describe the capture itself.
 */
export async function scan(inputs: readonly CaptureInput[], sink: PacketSink, decode: DecodeOptions = {}): Promise<void> {
  for (const input of inputs) {
    const decoder = new PacketDecoder(decode);
    let end: PacketFileEnd;
    try {
      const summary = await readCapture(input, (rec) => sink.packet(rec, decoder, decoder.decode(rec)), { beforeRead: () => sink.flush() });
      end = { summary, decoder, failure: null };
    } catch (err) {
      const partial = (err as { summary?: CaptureSummary }).summary ?? null;
      end = { summary: partial, decoder, failure: err instanceof Error ? err : new Error(String(err)) };
    }
    await sink.flush();
    await sink.fileEnd(nameOf(input), end);
  }
}
