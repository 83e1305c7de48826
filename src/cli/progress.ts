import { statSync } from 'node:fs';
import cliProgress from 'cli-progress';

/** Below this a capture reads in about a second: no bar. */
const LARGE_BYTES = 64 * 1024 * 1024;

/**
 * A progress bar on stderr for a large capture, only for a person at a terminal
 * (stderr a TTY), never with --quiet, and without colour (cli-progress draws none).
 * Returns the callback for the reader and a function that removes the bar.
 */
export function progressFor(file: string, quiet: boolean): { onProgress?: (bytes: number) => void; done: () => void } {
  let size = 0;
  try {
    size = file === '-' ? 0 : statSync(file).size;
  } catch {
    size = 0;
  }
  if (quiet || process.stderr.isTTY !== true || size < LARGE_BYTES) return { done: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${file} [{bar}] {percentage}% | {value}/{total} MB | {eta}s left`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.legacy,
  );
  bar.start(Math.ceil(size / 1e6), 0);
  return {
    onProgress: (bytes) => bar.update(Math.floor(bytes / 1e6)),
    done: () => bar.stop(),
  };
}
