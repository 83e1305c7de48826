import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let tempFileFailure: string | null = null;

/**
 * A temporary file nobody else can see, gone from the disk once closed (or the process
 * dies); null when none can be made (no writable $TMPDIR, a read-only container), and
 * then callers keep what would have gone there in memory: output stays right, only
 * bounded memory is lost. tempFileProblem() says why, for a warning.
 */
export function openUnlinked(): number | null {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'teardown-'));
    try {
      return openSync(join(dir, 'held'), 'w+', 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } catch (err) {
    tempFileFailure ??= `no temporary file in ${tmpdir()} (${err instanceof Error ? err.message : String(err)}): output that waits was kept in memory`;
    return null;
  }
}

/** Why a temporary file could not be made, if one could not (see openUnlinked). */
export function tempFileProblem(): string | null {
  return tempFileFailure;
}
