import type { ConnectionReport } from '../../diagnosis/report.js';
import { JsonBytes } from './json-bytes.js';
import { REPORT_LAYOUT } from './report-layouts.js';

/**
 * A connection report as one line of JSON, byte for byte what JSON.stringify(report)
 * gives (a test holds the two equal over every fixture and the public corpus), written
 * into a JsonBytes: JSON.stringify and encoding the string it made were a large part of
 * `analyze --format ndjson` (README "Benchmark" has the figures). Compiled from the report's layout, which the compiler holds to
 * the report's type.
 */
export const writeReportJson = JsonBytes.compile<ConnectionReport>(REPORT_LAYOUT);
