import { CaptureError } from '../capture/errors.js';
import type { FileEnd } from '../pipeline/sink.js';

/** Exit codes shared by every command (README "Exit codes"). */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;

/** The one line a failure prints: `teardown: FILE: <what> at byte N`. */
export function failureLine(file: string, err: unknown): string {
  if (err instanceof CaptureError) return `teardown: ${file}: ${err.message}`;
  const what = err instanceof Error ? err.message : String(err);
  return `teardown: ${file}: ${what}`;
}

/** The one line a warning prints: `teardown: FILE: warning: <what>`. */
export function warningLine(file: string, warning: string): string {
  return `teardown: ${file}: warning: ${warning}`;
}

/** The one line for an output that could not be written (`teardown: FILE: cannot write (ENOENT)`). */
export function cannotWriteLine(file: string, err: unknown): string {
  return failureLine(file, new Error(`cannot write (${(err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err))})`));
}

/** A file's failure, or its warnings (unless quiet), on stderr a line each; returns the exit code the file earns. */
export function sayFileEnd(file: string, end: Pick<FileEnd, 'failure' | 'warnings'>, quiet = false): number {
  if (end.failure !== null) {
    process.stderr.write(failureLine(file, end.failure) + '\n');
    return EXIT_BAD_INPUT;
  }
  if (!quiet) for (const w of end.warnings) process.stderr.write(warningLine(file, w) + '\n');
  return EXIT_OK;
}
