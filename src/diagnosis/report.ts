import { diagnose } from './diagnose.js';
import type { Diagnosis, DiagnosisFlag } from './types.js';
import type { ConnectionFlag } from '../track/connection.js';
import type { TrackedConnection } from '../track/report.js';
import { sortedUnique } from './sorted-unique.js';

/**
 * One connection as reports print it (docs/output.md): what was observed, and
 * the diagnosis. Tracking and diagnosis flags are merged into `flags`.
 */
export type ConnectionReport = Omit<TrackedConnection, 'flags'> & Omit<Diagnosis, 'flags'> & { flags: Flag[] };

/** Every flag a report carries: the tracker's and the diagnosis's (docs/output.md). */
export type Flag = ConnectionFlag | DiagnosisFlag;

/**
 * Diagnoses a finished connection at the capture time it was reported. The report is
 * the tracked object itself, completed (it is made fresh for each report): spreading
 * both into a new object showed in the benchmark of `analyze --format ndjson`, and left
 * an object of 40 keys that V8 keeps as a dictionary, which JSON.stringify walks slowly.
 */
export function connectionReport(c: TrackedConnection): ConnectionReport {
  const d = diagnose(c, c.reportedAt);
  const flags: Flag[] = d.flags.length === 0 ? c.flags : sortedUnique<Flag>([...c.flags, ...d.flags]);
  return Object.assign(c, d, { flags }) as ConnectionReport;
}

/**
 * How long a half-closed connection sat after its closer's FIN, to when it was
 * reported: the age of the peer's CLOSE-WAIT (null for other endings).
 */
export function halfClosedFor(c: ConnectionReport): number | null {
  if (c.ending !== 'half-closed' || (c.closer !== 'client' && c.closer !== 'server')) return null;
  const fin = c.sides[c.closer].finTime;
  return fin === null ? null : c.reportedAt - fin;
}

/** A report's stream number: the key that keeps the first streams (see keepSmallest). */
export const byStream = (c: { stream: number }): number => c.stream;
