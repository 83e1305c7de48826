import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A temporary file nobody else can see, gone from the disk once closed (or the process
 * dies), as its descriptor; when none can be made (no writable $TMPDIR, a read-only
 * container), why not, in a warning's words: callers then keep what would have gone
 * there in memory (output stays right, only bounded memory is lost) and hand the
 * warning on with the file it concerns.
 */
export function openUnlinked(): number | string {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'teardown-'));
    try {
      return openSync(join(dir, 'held'), 'w+', 0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } catch (err) {
    return `no temporary file in ${tmpdir()} (${err instanceof Error ? err.message : String(err)}): output that waits was kept in memory`;
  }
}
