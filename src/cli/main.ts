#!/usr/bin/env node
/**
 * The `teardown` command: starts the CLI (cli.ts), for a large capture in a Node whose
 * heap is sized for streaming. V8's defaults suit a server: a young generation of up to
 * 3 x 16 MB, and an old generation left to grow to about 4x what is live before a full
 * collection. Streaming a capture keeps little alive (the open connections), so those
 * defaults were most of the peak memory: on the benchmark's 1 GB mixed capture (72,004
 * connections), `analyze --format ndjson` peaked at 245-272 MB with them and at
 * 139-141 MB with a 2 MB semi-space and 50% growth, in the same time (a 4 MB
 * semi-space: 148-154 MB); on a capture ten times as long the peak stays the same (npm
 * run bench). Since NDJSON runs on two threads (two heaps), 30% growth instead of 50%
 * takes 4-5 MB off the peak (135-138 MB against 138-145; one thread 117-119 against
 * 121-122), the time the same within this machine's noise.
 *
 * The young generation is sized only when Node starts, so for a large input (a file of
 * 64 MB or more, or standard input: see large-input.ts) the command starts Node again
 * with the flags, which costs ~80 ms and a launcher process of ~40 MB that waits for it
 * (peak RSS as GNU time reports it is the larger process's); a small capture runs at
 * once. `node --max-semi-space-size=N main.js` runs at once with N (how a user
 * overrides the flags).
 *
 * The second Node also gets one malloc arena (MALLOC_ARENA_MAX=1, unless set already):
 * glibc gives each thread that allocates an arena of its own and keeps what it frees
 * there, so with the tracking thread (tracking-thread.ts) the peak grew, and grew again
 * for each file (it starts a thread per file). One arena: 134-141 -> 132-133 MB on the
 * bench's mixed capture, two files in a row 155 -> 139 MB, the time the same
 * (2.75-2.83 s against 2.70-2.87).
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
