import { formatWarning } from '../capture/errors.js';
import { decodeNotices } from '../decode/notices.js';
import type { CaptureSummary } from '../capture/reader.js';
import type { DecodeCounts } from '../decode/packet.js';
import type { TrackResult } from '../track/track-capture.js';

/** What reading and decoding a capture leave to say, one line each: the reader's warnings, then the decoder's notices. */
export function readWarnings(summary: CaptureSummary | null, counts: DecodeCounts): string[] {
  return [...(summary?.warnings ?? []).map(formatWarning), ...decodeNotices(counts)];
}

/** The warnings a finished (or failed) read leaves, one line each. */
export function captureWarnings(result: TrackResult): string[] {
  const notes = readWarnings(result.summary, result.decoder.counts);
  if (result.stats.overflowPackets > 0) {
    notes.push(`${result.stats.overflowPackets} packets of connections not tracked: more than ${result.stats.peakTracked} open at once`);
  }
  return notes;
}
