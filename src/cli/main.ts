#!/usr/bin/env node
/**
 * The `teardown` command: starts the CLI (cli.ts), for a large capture in a Node whose
 * heap is sized for streaming. V8's defaults suit a server: a young generation of up to
 * 3 x 16 MB, and an old generation left to grow to a multiple of what is live before a
 * full collection. Streaming a capture keeps little alive (the open connections), so
 * those defaults were most of the peak memory; a small semi-space and slow growth keep
 * the peak near what is live at no cost in time (README "Benchmark" has the figures).
 *
 * The young generation is sized only when Node starts, so for a large input (see
 * large-input.ts) the command starts Node again with the flags, which costs a launcher
 * process that waits for it (peak RSS as GNU time reports it is the larger process's);
 * a small capture runs at once. `node --max-semi-space-size=N main.js` runs at once
 * with N (how a user overrides the flags).
 *
 * The second Node also gets one malloc arena (MALLOC_ARENA_MAX=1, unless set already):
 * glibc gives each thread that allocates an arena of its own and keeps what it frees
 * there (mallopt(3), M_ARENA_MAX), so with the tracking thread the peak grew, and grew
 * again for each file (a thread per file).
 */
import { spawn } from 'node:child_process';
import { isLargeInput } from './large-input.js';

const HEAP_FLAGS = ['--max-semi-space-size=2', '--heap-growing-percent=30'];

const args = process.argv.slice(2);
const chosen = process.execArgv.some((a) => a.startsWith('--max-semi-space-size'));

if (chosen || !args.some(isLargeInput)) {
  await import('./cli.js');
} else {
  const env = { MALLOC_ARENA_MAX: '1', ...process.env };
  const child = spawn(process.execPath, [...HEAP_FLAGS, ...process.execArgv, process.argv[1]!, ...args], { stdio: 'inherit', env });
  // Whoever stops this process (a CI timeout, a terminal) stops the analysis too.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
  child.on('error', () => {
    // Node could not be started again (no process slots, say): run here, as is.
    void import('./cli.js');
  });
  child.on('exit', (code, signal) => {
    if (signal === null) process.exitCode = code ?? 1;
    else {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    }
  });
}
