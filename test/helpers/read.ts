import { Readable } from 'node:stream';
import { readFileSync } from 'node:fs';
import { CaptureError } from '../../src/capture/errors.js';
import { readCapture, type CaptureInput, type CaptureSummary, type ReadOptions } from '../../src/capture/reader.js';
import { PacketDecoder } from '../../src/decode/packet.js';
import { segmentRow } from '../../src/sinks/segment-rows.js';

export interface ReadResult {
  rows: string[];
  summary: CaptureSummary | undefined;
  error: CaptureError | null;
  decoder: PacketDecoder;
}

/** Reads a capture through reader and decoder, collecting `teardown segments` rows. */
export async function readRows(input: CaptureInput, options: ReadOptions = {}): Promise<ReadResult> {
  const decoder = new PacketDecoder();
  const rows: string[] = [];
  try {
    const summary = await readCapture(input, (rec) => {
      const row = segmentRow(rec, decoder, decoder.decode(rec));
      if (row !== null) rows.push(row);
    }, options);
    return { rows, summary, error: null, decoder };
  } catch (err) {
    if (!(err instanceof CaptureError)) throw err;
    return { rows, summary: err.summary, error: err, decoder };
  }
}

/** A file's bytes as a stream in small chunks: what a pipe from tcpdump looks like. */
export function asTrickle(path: string, chunk = 1000): Readable {
  const bytes = readFileSync(path);
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) parts.push(bytes.subarray(i, i + chunk));
  return Readable.from(parts);
}

export interface FramesTruth {
  frames: number;
  /** Rows without the trailing tcp.stream column (the decoder does not number streams). */
  rows: string[];
}

/** Parses a `.frames.tsv` truth file written by fixtures/tools/frames-truth.py. */
export function readFramesTruth(path: string): FramesTruth {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const frames = Number(/frames=(\d+)/.exec(lines[0] ?? '')?.[1]);
  return { frames, rows: lines.slice(2).map((l) => l.split('\t').slice(0, -1).join('\t')) };
}
