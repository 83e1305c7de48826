import { formatWarning } from '../capture/errors.js';
import { decodeNotices } from '../decode/notices.js';
import type { TrackResult } from '../track/track-capture.js';

/** The warnings a finished (or failed) read leaves, one line each. */
export function captureWarnings(result: TrackResult): string[] {
  const notes = [...result.summary.warnings.map(formatWarning), ...decodeNotices(result.decoder.counts)];
  if (result.stats.overflowPackets > 0) {
    notes.push(`${result.stats.overflowPackets} packets of connections not tracked: more than ${result.stats.peakTracked} open at once`);
  }
  return notes;
}
