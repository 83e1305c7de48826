/**
 * Worker thread for `analyze --jobs N`: analyses the files it is sent, one at a time,
 * and posts each whole result back (a CaptureError as its one-line message).
 */
import { parentPort } from 'node:worker_threads';
import { analyzeFile } from '../../../analyze.js';
import type { ConnectionFilter } from '../../../report/filter.js';
import { failureLine } from '../../fail.js';

parentPort?.on('message', (job: { index: number; file: string; filter: ConnectionFilter }) => {
  analyzeFile(job.file, { filter: job.filter }).then(
    (result) => parentPort?.postMessage({ index: job.index, result }),
    (err: unknown) => parentPort?.postMessage({ index: job.index, error: failureLine(job.file, err) }),
  );
});
