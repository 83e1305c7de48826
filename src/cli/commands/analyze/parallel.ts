import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalyzeOptions, CaptureOutcome } from '../../../analyze.js';
import type { FilterCount } from '../../../report/filter.js';
import type { NdjsonOrder } from './ndjson-stream.js';
import type { Job } from './worker.js';

/** A file's outcome: the path its NDJSON was written to, and the capture's outcome or its failure's one-line message (after the lines written before it). */
export type FileOutcome = { file: string; ndjson: string; outcome: CaptureOutcome; count: FilterCount } | { file: string; ndjson: string; error: string };

interface Reply {
  index: number;
  outcome?: CaptureOutcome;
  count?: FilterCount;
  error?: string;
}

/**
 * Analyses `files` on `jobs` worker threads and yields each file's outcome in input
 * order, as soon as it and every file before it are done (so output merges in order).
 * Each file's NDJSON goes to a file in `ndjsonDir`.
 */
export async function* analyzeInParallel(files: string[], jobs: number, options: AnalyzeOptions, ndjsonDir: string, order: NdjsonOrder): AsyncGenerator<FileOutcome> {
  const outcomes = new Map<number, FileOutcome>();
  let wake: (() => void) | null = null;
  let next = 0;
  const workers = Array.from({ length: Math.min(jobs, files.length) }, () => new Worker(new URL('./worker.js', import.meta.url)));
  const give = (w: Worker): void => {
    if (next < files.length) {
      const job: Job = { index: next, file: files[next]!, options, ndjsonTo: spoolFile(ndjsonDir, next), order };
      w.postMessage(job);
      next++;
    }
  };
  for (const w of workers) {
    w.on('message', (m: Reply) => {
      const file = files[m.index]!;
      const ndjson = spoolFile(ndjsonDir, m.index);
      outcomes.set(m.index, m.error !== undefined ? { file, ndjson, error: m.error } : { file, ndjson, outcome: m.outcome ?? { warnings: [], firstPacket: null }, count: m.count ?? { connections: 0, matched: 0 } });
      give(w);
      wake?.();
    });
    w.on('error', (err) => {
      // A worker that died takes its file with it: report it as that file's failure.
      for (let i = 0; i < files.length; i++) {
        if (!outcomes.has(i)) outcomes.set(i, { file: files[i]!, ndjson: spoolFile(ndjsonDir, i), error: `teardown: ${files[i]}: worker failed (${err.message})` });
      }
      wake?.();
    });
    give(w);
  }
  try {
    for (let i = 0; i < files.length; i++) {
      while (!outcomes.has(i)) await new Promise<void>((resolve) => (wake = resolve));
      yield outcomes.get(i)!;
      outcomes.delete(i);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function spoolFile(dir: string, index: number): string {
  return join(dir, `${index}.ndjson`);
}
