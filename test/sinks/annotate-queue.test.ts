import { describe, expect, it } from 'vitest';
import { CommentQueue } from '../../src/sinks/annotate.js';

/** The spool's lines as AnnotateSink writes them: [first frame, [[frame, text], ...]], by first frame. */
async function* lines(...rows: Array<[number, Array<[number, string]>]>): AsyncGenerator<string> {
  for (const r of rows) yield JSON.stringify(r);
}

describe('the comments handed to the copy, by frame', () => {
  it('reads a connection in only when the copy reaches its first frame, and lets each frame go once taken', async () => {
    const q = new CommentQueue(lines([1, [[1, 'a'], [5, 'b']]], [3, [[3, 'c'], [5, 'b2']]], [10, [[10, 'd'], [12, 'e']]]));
    await q.loadUpTo(1);
    // The second connection waits on disk until frame 3.
    expect(q.nextFirst).toBe(3);
    expect(q.take(1)).toEqual(['a']);
    expect(q.take(1)).toBeUndefined();
    await q.loadUpTo(3);
    expect(q.take(3)).toEqual(['c']);
    expect(q.nextFirst).toBe(10);
    expect(q.take(5)).toEqual(['b', 'b2']);
    await q.loadUpTo(10);
    expect(q.nextFirst).toBe(Infinity);
    expect(q.take(10)).toEqual(['d']);
    // The copy ended before frame 12: one comment had no place.
    expect(q.left).toBe(1);
    expect(q.missed).toBe(0);
  });

  it('counts the comments of a frame the copy had already passed, instead of holding them', async () => {
    const q = new CommentQueue(lines([2, [[2, 'a']]], [4, [[3, 'late'], [6, 'b']]]));
    await q.loadUpTo(2);
    expect(q.take(2)).toEqual(['a']);
    await q.loadUpTo(4);
    expect(q.missed).toBe(1);
    expect(q.take(6)).toEqual(['b']);
    expect(q.take(3)).toBeUndefined();
  });
});
