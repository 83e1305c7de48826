/**
 * Worker thread for `analyze --jobs N`: analyses the files it is sent, one at a time,
 * and posts each whole result back (a CaptureError as its one-line message).
 */
import { parentPort } from 'node:worker_threads';
import { analyzeFile, type AnalyzeOptions } from '../../../analyze.js';
import { failureLine } from '../../fail.js';

parentPort?.on('message', (job: { index: number; file: string; options: AnalyzeOptions }) => {
  analyzeFile(job.file, job.options).then(
    (result) => parentPort?.postMessage({ index: job.index, result }),
    (err: unknown) => parentPort?.postMessage({ index: job.index, error: failureLine(job.file, err) }),
  );
});
