import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalysisResult, AnalyzeOptions } from '../../../analyze.js';
import type { Job } from './worker.js';

/**
 * A file's outcome: its whole result, or (NDJSON) the path its lines were written to
 * and its warnings; a failure's one-line message comes with the lines written before it.
 */
export type FileOutcome =
  | { file: string; result: AnalysisResult }
  | { file: string; ndjson: string; warnings: string[] }
  | { file: string; error: string; ndjson?: string };

interface Reply {
  index: number;
  result?: AnalysisResult;
  warnings?: string[];
  error?: string;
}

/**
 * Analyses `files` on `jobs` worker threads and yields each file's outcome in input
 * order, as soon as it and every file before it are done (so output merges in order).
 * With `ndjsonDir`, each file's NDJSON goes to a file there instead of into memory.
 */
export async function* analyzeInParallel(files: string[], jobs: number, options: AnalyzeOptions, ndjsonDir?: string): AsyncGenerator<FileOutcome> {
  const outcomes = new Map<number, FileOutcome>();
  let wake: (() => void) | null = null;
  let next = 0;
  const workers = Array.from({ length: Math.min(jobs, files.length) }, () => new Worker(new URL('./worker.js', import.meta.url)));
  const give = (w: Worker): void => {
    if (next < files.length) {
      const job: Job = { index: next, file: files[next]!, options, ndjsonTo: ndjsonDir === undefined ? undefined : spoolFile(ndjsonDir, next) };
      w.postMessage(job);
      next++;
    }
  };
  for (const w of workers) {
    w.on('message', (m: Reply) => {
      const file = files[m.index]!;
      const ndjson = ndjsonDir === undefined ? undefined : spoolFile(ndjsonDir, m.index);
      if (m.error !== undefined) outcomes.set(m.index, { file, error: m.error, ndjson });
      else if (ndjson !== undefined) outcomes.set(m.index, { file, ndjson, warnings: m.warnings ?? [] });
      else outcomes.set(m.index, { file, result: m.result! });
      give(w);
      wake?.();
    });
    w.on('error', (err) => {
      // A worker that died takes its file with it: report it as that file's failure.
      for (let i = 0; i < files.length; i++) if (!outcomes.has(i)) outcomes.set(i, { file: files[i]!, error: `teardown: ${files[i]}: worker failed (${err.message})` });
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
