import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

/**
 * Whether `output` is one of `inputs` on the disk (the same device and inode: a hard
 * link or another path to it too), which the commands that read a capture twice must
 * not write over before the second read. False when it does not exist yet.
 */
export async function isOneOf(output: string, inputs: readonly string[]): Promise<boolean> {
  const out = await stat(output).catch(() => null);
  if (out === null) return false;
  for (const input of inputs) {
    const s = await stat(input).catch(() => null);
    if (s !== null && s.dev === out.dev && s.ino === out.ino) return true;
  }
  return false;
}

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
