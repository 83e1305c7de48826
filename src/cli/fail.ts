import { CaptureError } from '../capture/errors.js';
import type { CaptureWarning } from '../capture/errors.js';
import { formatWarning } from '../capture/errors.js';

/** Exit codes shared by every command (README "Exit codes"). */
export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;

/** The one line a failure prints: `teardown: FILE: <what> at byte N`. */
export function failureLine(file: string, err: unknown): string {
  if (err instanceof CaptureError) return `teardown: ${file}: ${err.message}`;
  const what = err instanceof Error ? err.message : String(err);
  return `teardown: ${file}: ${what}`;
}

export function warningLine(file: string, warning: CaptureWarning): string {
  return `teardown: ${file}: warning: ${formatWarning(warning)}`;
}

/**
 * Writes to stdout and resolves when the data is handed off, so large outputs respect
 * back-pressure. A closed pipe (`teardown segments x | head`) is not an error.
 */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', resolve);
  });
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(EXIT_OK);
  throw err;
});
