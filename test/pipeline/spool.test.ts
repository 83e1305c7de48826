import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Spool } from '../../src/pipeline/internal/spool.js';

/**
 * A target that takes each write at once, or one that holds each for a while with room
 * to queue several blocks (so write() says "go on" while it still keeps the last one).
 */
function target(slow: boolean): { out: Writable; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const out = new Writable({
    highWaterMark: 8 * 1024 * 1024,
    write: (chunk: Buffer, _encoding, done) => {
      parts.push(Buffer.from(chunk)); // what the bytes were when written
      if (slow) setTimeout(done, 1);
      else done();
    },
  });
  return { out, bytes: () => Buffer.concat(parts) };
}

describe('Spool', () => {
  it('copies out what was written, block by block, to a target that takes it at once or one that queues', async () => {
    // Over 3 MB of distinct lines, so blocks (1 MB) are used again or replaced.
    const lines = Array.from({ length: 40_000 }, (_, i) => `line ${i} ${'z'.repeat(i % 113)}`);
    const expected = Buffer.from(lines.map((l) => `${l}\n`).join('').slice(5));
    for (const slow of [false, true]) {
      const spool = new Spool();
      for (const l of lines) spool.out.push(l);
      const t = target(slow);
      await spool.copyTo(t.out, 5);
      await new Promise<void>((resolve) => t.out.end(resolve));
      expect(t.bytes().equals(expected), slow ? 'queued target' : 'immediate target').toBe(true);
      spool.close();
    }
  });
});
