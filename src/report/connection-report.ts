import { diagnose } from '../diagnosis/diagnose.js';
import type { Diagnosis } from '../diagnosis/types.js';
import type { TrackedConnection } from '../track/report.js';
import { sortedUnique } from '../sorted-unique.js';

/**
 * One connection as reports print it (docs/output.md): what was observed, and
 * the diagnosis. Tracking and diagnosis flags are merged into `flags`.
 */
export type ConnectionReport = Omit<TrackedConnection, 'flags'> & Omit<Diagnosis, 'flags'> & { flags: string[] };

/**
 * Diagnoses a finished connection at the capture time it was reported. The report is
 * the tracked object itself, completed (it is made fresh for each report): spreading
 * both into a new object cost a tenth of `analyze --format ndjson` and left an object
 * of 40 keys that V8 keeps as a dictionary, which JSON.stringify walks slowly.
 */
export function connectionReport(c: TrackedConnection): ConnectionReport {
  const d = diagnose(c, c.reportedAt);
  const flags = d.flags.length === 0 ? c.flags : sortedUnique([...c.flags, ...d.flags]);
  return Object.assign(c, d, { flags }) as ConnectionReport;
}

/** A report's stream number: the key that keeps the first streams (see keepSmallest). */
export const byStream = (c: { stream: number }): number => c.stream;
