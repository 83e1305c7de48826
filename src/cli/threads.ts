import { availableParallelism } from 'node:os';
import type { Argv } from 'yargs';
import { isLargeInput } from './large-input.js';

/**
 * `--threads` of `analyze` and `connections`, whose main thread has enough to do
 * (formatting every connection) for a second one to pay. `assert` and `triage` keep one:
 * their main thread only diagnoses and counts, and packing and unpacking each
 * connection to cross threads cost more than that gives back (README "Benchmark").
 */
export interface ThreadsArgs {
  /** 2: track on a worker thread (see tracking-thread.ts); undefined: by file size. */
  threads?: 1 | 2;
}

export function withThreads<T>(y: Argv<T>): Argv<T & ThreadsArgs> {
  return y
    .option('threads', {
      type: 'number',
      coerce: (v: number) => v as 1 | 2,
      describe: '2: each capture file is tracked on a worker thread while another reports (default: 2 for a file of 64 MB or more on a machine with 2 cores or more, else 1; standard input: 1)',
    })
    .check((a) => {
      if (a.threads !== undefined && ![1, 2].includes(a.threads)) throw new Error('--threads takes 1 or 2');
      return true;
    });
}

/**
 * Two threads for a capture file when asked, or by default for a large one when there
 * are two cores for them (what it gains and costs: README "Benchmark"). Standard input is read on one: its rate is set by
 * whatever writes it (a live capture), and only this thread can read it.
 */
export function threadsFor(file: string, asked: 1 | 2 | undefined): 1 | 2 {
  if (file === '-') return 1;
  return asked ?? (isLargeInput(file) && availableParallelism() >= 2 ? 2 : 1);
}
