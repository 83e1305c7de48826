import { describe, expect, it } from 'vitest';
import { RecordsInOrder, type Output } from '../../src/pipeline/internal/records-in-order.js';

/** An output that is full after `room` lines until flushed (a pipe whose reader is slow). */
function slowOutput(room: number): Output & { lines: string[]; mostQueued: number; write: (line: string | Uint8Array) => void } {
  let queued = 0;
  const o = {
    lines: [] as string[],
    mostQueued: 0,
    write(line: string | Uint8Array): void {
      o.lines.push(typeof line === 'string' ? line : Buffer.from(line).toString());
      o.mostQueued = Math.max(o.mostQueued, ++queued);
    },
    get blocked(): boolean {
      return queued >= room;
    },
    async flush(): Promise<void> {
      await new Promise((resolve) => setTimeout(resolve, 0));
      queued = 0;
    },
  };
  return o;
}

describe('RecordsInOrder', () => {
  it('writes in stream order, skipping empty lines, and waits for a full output when held lines go at once', async () => {
    const out = slowOutput(4);
    const lines = new RecordsInOrder((l) => out.write(l), out);
    for (let s = 300; s >= 1; s--) lines.add(s, s === 7 ? '' : `line ${s}`); // a long first connection holds them all
    await lines.drain();
    expect(out.lines).toEqual([]);
    lines.add(0, 'line 0');
    await lines.drain();
    expect(out.lines).toEqual(Array.from({ length: 301 }, (_, s) => `line ${s}`).filter((l) => l !== 'line 7'));
    expect(out.mostQueued).toBeLessThanOrEqual(4);
    lines.add(302, 'line 302'); // 301 never came (a stream reported nowhere): the rest comes at the end
    await lines.drain();
    expect(out.lines.at(-1)).toBe('line 300');
    await lines.end();
    expect(out.lines.at(-1)).toBe('line 302');
  });
});
