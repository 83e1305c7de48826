import { closeSync, createReadStream, existsSync, fstatSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import type { ConnectionReport } from '../../diagnosis/report.js';
import type { PipelineOptions } from '../run.js';
import type { FileEnd, Sink } from '../sink.js';
import type { Job, JobEnd } from './job-worker.js';
import { fromFailure } from './tracking-thread.js';

interface Reply {
  index: number;
  end: JobEnd;
}

/**
 * `--jobs N`: the files analysed on N worker threads (job-worker.ts), each into an
 * NDJSON file in a private directory, and handed to `sink` in input order as soon as a
 * file and every file before it are done (so output merges in order and no file waits
 * in memory). When no temporary directory can be made, why not (a warning's words):
 * the caller then runs the files one at a time.
 */
export async function runJobs(files: readonly string[], jobs: number, options: PipelineOptions, sink: Sink): Promise<true | string> {
  const spool = spoolDirectory();
  if ('problem' in spool) return spool.problem;
  const dir = spool.dir;
  try {
    for await (const { file, ndjson, end, lost } of inParallel(files, jobs, options, dir)) {
      // A dead worker's file may end in a torn line: none of it is read (its failure says why).
      if (!lost) {
        if (sink.copyLines !== undefined) await copyOut(ndjson, sink.copyLines.bind(sink));
        else await readBack(ndjson, (c) => sink.connection(c, file));
      }
      await sink.fileEnd(file, end);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return true;
}

/** Yields each file's end in input order, with the path its NDJSON was written to (`lost`: its worker died). */
async function* inParallel(files: readonly string[], jobs: number, options: PipelineOptions, dir: string): AsyncGenerator<{ file: string; ndjson: string; end: FileEnd; lost: boolean }> {
  const ends = new Map<number, FileEnd>();
  const lost = new Set<number>();
  let wake: (() => void) | null = null;
  let next = 0;
  const workers = Array.from({ length: Math.min(jobs, files.length) }, () => new Worker(new URL('./job-worker.js', import.meta.url)));
  /** The file each worker is analysing. */
  const holding = new Map<Worker, number>();
  let alive = workers.length;
  const give = (w: Worker): void => {
    if (next >= files.length) return;
    holding.set(w, next);
    const job: Job = { index: next, file: files[next]!, tracker: options.tracker, decode: options.decode, filter: options.filter, ndjsonTo: spoolFile(dir, next), order: options.order ?? 'capture' };
    w.postMessage(job);
    next++;
  };
  for (const w of workers) {
    w.on('message', ({ index, end }: Reply) => {
      holding.delete(w);
      ends.set(index, { ...end, failure: end.failure === null ? null : fromFailure(end.failure) });
      give(w);
      wake?.();
    });
    w.on('error', (err) => {
      // A worker that died takes its file with it: reported as that file's failure. The
      // others go on with the files left; if none is left alive, those fail too.
      const fail = (i: number): void => {
        if (ends.has(i)) return;
        lost.add(i);
        ends.set(i, { warnings: [], firstPacket: null, count: { connections: 0, matched: 0 }, failure: new Error(`worker failed (${err.message})`) });
      };
      const held = holding.get(w);
      holding.delete(w);
      if (held !== undefined) fail(held);
      if (--alive === 0) for (let i = next; i < files.length; i++) fail(i);
      wake?.();
    });
    give(w);
  }
  try {
    for (let i = 0; i < files.length; i++) {
      while (!ends.has(i)) await new Promise<void>((resolve) => (wake = resolve));
      yield { file: files[i]!, ndjson: spoolFile(dir, i), end: ends.get(i)!, lost: lost.has(i) };
      ends.delete(i);
    }
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

function spoolFile(dir: string, index: number): string {
  return join(dir, `${index}.ndjson`);
}

/** A private directory for the workers' output, or why none can be made. */
function spoolDirectory(): { dir: string } | { problem: string } {
  try {
    return { dir: mkdtempSync(join(tmpdir(), 'teardown-jobs-')) };
  } catch (err) {
    return { problem: `--jobs needs a temporary directory in ${tmpdir()} (${err instanceof Error ? err.message : String(err)}): analysing one file at a time` };
  }
}

/** Hands a worker's NDJSON file, opened, to `copy`. */
async function copyOut(path: string, copy: (fd: number, size: number) => Promise<void>): Promise<void> {
  if (!existsSync(path)) return; // a worker that died before writing anything
  const fd = openSync(path, 'r');
  try {
    await copy(fd, fstatSync(fd).size);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a worker's NDJSON file back into reports (without the `file` every line
 * starts with): JSON round-trips them exactly, key order and numbers included, so every
 * sink prints the same as from a report made here.
 */
async function readBack(path: string, visit: (c: ConnectionReport) => void): Promise<void> {
  if (!existsSync(path)) return; // a worker that died before writing anything
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line === '') continue;
    const { file: _file, ...report } = JSON.parse(line) as ConnectionReport & { file: string };
    visit(report);
  }
}
