import type { ConnectionReport } from './connection-report.js';
import { JsonBytes } from './json-bytes.js';
import { REPORT_LAYOUT } from './report-layouts.js';

/**
 * A connection report as one line of JSON, byte for byte what JSON.stringify(report)
 * gives (a test holds the two equal over every fixture and the public corpus), written
 * into a JsonBytes: `analyze --format ndjson` writes a 3 KB line per connection, and
 * JSON.stringify was a sixth of its time, the string it made and encoded once more
 * another tenth (measured on the benchmark's mixed capture). In a loop over the lab's
 * mixed capture's reports: 4.8-5.2 us a report against 7.9 for JSON.stringify and
 * encoding its string. Compiled from the report's layout, which the compiler holds to
 * the report's type.
 */
export const writeReportJson = JsonBytes.compile<ConnectionReport>(REPORT_LAYOUT);
