/**
 * What sinks may use of the pipeline's speed machinery (internal/), and nothing else of
 * it: output written in large chunks with back-pressure, output that waits on disk, and
 * a report written as JSON bytes without building its string.
 */
export { LineWriter } from './internal/line-writer.js';
export { Spool, copyFile } from './internal/spool.js';
export { JsonBytes } from './internal/json-bytes.js';
export { writeReportJson } from './internal/report-json.js';
