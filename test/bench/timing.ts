import { spawnSync } from 'node:child_process';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

export interface Timing {
  seconds: number;
  rssMb: number;
  /** What the command wrote to stderr (its warnings), without GNU time's line. */
  stderr: string;
  /** Lines the command wrote to stdout, when asked for (counted on the first run). */
  stdoutLines?: number;
}

/**
 * Best of `runs`: wall seconds and peak RSS (GNU time's %e and %M), stdout discarded,
 * except on the first run when `countLines` asks for its line count (so a command need
 * not run once more just to be counted; a piped run that is slower is simply not best).
 * `warm` is read through before each run, so every command starts with its input in
 * the page cache: on this project's machine the cache holds ~1.25 GB, and what one run
 * writes (analyze's spill file, 230 MB on the mixed capture) pushes part of the input
 * out, which left the next command, ours or another tool, reading it from disk.
 */
export function time(command: string[], runs = RUNS, countLines = false, warm?: string): Timing | null {
  let best: Timing | null = null;
  let stdoutLines: number | undefined;
  for (let i = 0; i < runs; i++) {
    if (warm !== undefined) spawnSync('cat', [warm], { stdio: 'ignore' });
    const counting = countLines && i === 0;
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...command], { stdio: ['ignore', counting ? 'pipe' : 'ignore', 'pipe'], maxBuffer: 2 ** 30 });
    if (r.error !== undefined || r.status !== 0) return null;
    if (counting) stdoutLines = countNewlines(r.stdout);
    const lines = r.stderr.toString('utf8').trim().split('\n');
    const [seconds, kb] = lines.pop()!.split(' ').map(Number);
    if (best === null || seconds! < best.seconds) best = { seconds: seconds!, rssMb: kb! / 1024, stderr: lines.join('\n') };
  }
  return best === null ? null : { ...best, stdoutLines };
}

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) n++;
  return n;
}
