import { spawnSync } from 'node:child_process';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);

export interface Timing {
  seconds: number;
  rssMb: number;
  /** What the command wrote to stderr (its warnings), without GNU time's line. */
  stderr: string;
}

/** Best of `runs`: wall seconds and peak RSS (GNU time's %e and %M), stdout discarded. */
export function time(command: string[], runs = RUNS): Timing | null {
  let best: Timing | null = null;
  for (let i = 0; i < runs; i++) {
    const r = spawnSync('/usr/bin/time', ['-f', '%e %M', ...command], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.error !== undefined || r.status !== 0) return null;
    const lines = r.stderr.trim().split('\n');
    const [seconds, kb] = lines.pop()!.split(' ').map(Number);
    if (best === null || seconds! < best.seconds) best = { seconds: seconds!, rssMb: kb! / 1024, stderr: lines.join('\n') };
  }
  return best;
}

