import { diagnose } from '../diagnosis/diagnose.js';
import type { Diagnosis } from '../diagnosis/types.js';
import type { TrackedConnection } from '../track/report.js';

/**
 * One connection as reports print it (shared/spec/output.md): what was observed, and
 * the diagnosis. Tracking and diagnosis flags are merged into `flags`.
 */
export type ConnectionReport = Omit<TrackedConnection, 'flags'> & Omit<Diagnosis, 'flags'> & { flags: string[] };

/** Diagnoses a finished connection at the capture time it was reported. */
export function connectionReport(c: TrackedConnection): ConnectionReport {
  const d = diagnose(c, c.reportedAt);
  return { ...c, ...d, flags: [...new Set([...c.flags, ...d.flags])].sort() };
}
