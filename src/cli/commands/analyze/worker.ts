/**
 * Worker thread for `analyze --jobs N`: analyses the files it is sent, one at a time,
 * writing each file's NDJSON to the path it is given (the parent copies the files out,
 * or reads them back for the other formats, in input order, so nothing waits in
 * memory) and posting the capture's outcome back; a failure is posted as its one-line message.
 */
import { createWriteStream } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { AnalyzeOptions, CaptureOutcome } from '../../../analyze.js';
import type { FilterCount } from '../../../report/filter.js';
import { failureLine } from '../../fail.js';
import { writeNdjson, type NdjsonOrder } from './ndjson-stream.js';

export interface Job {
  index: number;
  file: string;
  options: AnalyzeOptions;
  /** Where the file's NDJSON goes, and in which order. */
  ndjsonTo: string;
  order: NdjsonOrder;
}

async function run(job: Job): Promise<CaptureOutcome & { count: FilterCount }> {
  const out = createWriteStream(job.ndjsonTo);
  try {
    return await writeNdjson(job.file, job.options, out, { order: job.order });
  } finally {
    // Every line on disk before the parent is told to read them.
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

parentPort?.on('message', (job: Job) => {
  run(job).then(
    ({ count, ...outcome }) => parentPort?.postMessage({ index: job.index, outcome, count }),
    (err: unknown) => parentPort?.postMessage({ index: job.index, error: failureLine(job.file, err) }),
  );
});
