import type { TrackedConnection } from '../../track/report.js';
import { PackedCodec } from './packed.js';
import { TRACKED_LAYOUT } from './report-layouts.js';

/** A codec for tracked connections (each codec interns strings of its own). */
export const trackedCodec = (): PackedCodec<TrackedConnection> => new PackedCodec<TrackedConnection>(TRACKED_LAYOUT);
