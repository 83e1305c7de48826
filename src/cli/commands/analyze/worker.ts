/**
 * Worker thread for `analyze --jobs N`: analyses the files it is sent, one at a time.
 * For NDJSON it writes the file's lines to the path it is given (the parent copies the
 * files out in input order, so nothing waits in memory) and posts the warnings; for the
 * other formats it posts the whole result. A failure is posted as its one-line message.
 */
import { createWriteStream } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { analyzeFile, type AnalyzeOptions } from '../../../analyze.js';
import { failureLine } from '../../fail.js';
import { writeNdjson } from './ndjson-stream.js';

export interface Job {
  index: number;
  file: string;
  options: AnalyzeOptions;
  /** Write NDJSON here instead of posting the result. */
  ndjsonTo?: string;
}

async function run(job: Job): Promise<object> {
  if (job.ndjsonTo === undefined) return { result: await analyzeFile(job.file, job.options) };
  const out = createWriteStream(job.ndjsonTo);
  try {
    return { warnings: await writeNdjson(job.file, job.options, out) };
  } finally {
    // Every line on disk before the parent is told to copy them.
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

parentPort?.on('message', (job: Job) => {
  run(job).then(
    (outcome) => parentPort?.postMessage({ index: job.index, ...outcome }),
    (err: unknown) => parentPort?.postMessage({ index: job.index, error: failureLine(job.file, err) }),
  );
});
