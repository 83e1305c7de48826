import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Standard input kept in a temporary file, for the commands that read their capture
 * twice (annotate, report): `path` to read, `release` to remove it.
 */
export async function holdStdin(): Promise<{ path: string; release: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'teardown-'));
  const path = join(dir, 'stdin');
  await pipeline(process.stdin, createWriteStream(path));
  return { path, release: () => rm(dir, { recursive: true, force: true }) };
}
