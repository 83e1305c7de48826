import { Worker } from 'node:worker_threads';
import type { AnalysisResult, AnalyzeOptions } from '../../../analyze.js';

export type FileOutcome = { file: string; result: AnalysisResult } | { file: string; error: string };

/**
 * Analyses `files` on `jobs` worker threads and yields each file's outcome in input
 * order, as soon as it and every file before it are done (so output merges in order).
 */
export async function* analyzeInParallel(files: string[], jobs: number, options: AnalyzeOptions): AsyncGenerator<FileOutcome> {
  const outcomes = new Map<number, FileOutcome>();
  let wake: (() => void) | null = null;
  let next = 0;
  const workers = Array.from({ length: Math.min(jobs, files.length) }, () => new Worker(new URL('./worker.js', import.meta.url)));
  const give = (w: Worker): void => {
    if (next < files.length) {
      w.postMessage({ index: next, file: files[next]!, options });
      next++;
    }
  };
  for (const w of workers) {
    w.on('message', (m: { index: number; result?: AnalysisResult; error?: string }) => {
      const file = files[m.index]!;
      outcomes.set(m.index, m.error !== undefined ? { file, error: m.error } : { file, result: m.result! });
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
