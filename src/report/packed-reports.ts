import type { TrackedConnection } from '../track/report.js';
import type { ConnectionReport } from './connection-report.js';
import { PackedCodec } from './packed.js';
import { REPORT_LAYOUT, TRACKED_LAYOUT } from './report-layouts.js';

/** A codec for tracked connections (each codec interns strings of its own). */
export const trackedCodec = (): PackedCodec<TrackedConnection> => new PackedCodec<TrackedConnection>(TRACKED_LAYOUT);

/** A codec for connection reports. */
export const reportCodec = (): PackedCodec<ConnectionReport> => new PackedCodec<ConnectionReport>(REPORT_LAYOUT);
