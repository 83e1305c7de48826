import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The built module: its worker is the built tracking-worker.js beside it (npm test builds first).
import { trackOnThread } from '../../dist/src/pipeline/internal/tracking-thread.js';
import { repeatCapture } from '../bench/repeat-capture.js';
import { REPO } from '../helpers/paths.js';

describe('tracking on a worker thread', () => {
  it('reports the bytes read after every read, though no connection has finished yet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teardown-progress-'));
    try {
      // ~11 MB, so several 4 MB reads; no connection reported before the end of the capture.
      const file = join(dir, 'mixed-x40.pcap');
      await repeatCapture(join(REPO, 'fixtures', 'lab', 'mixed.pcap'), file, 40, 7200);
      const events: (number | 'connection')[] = [];
      const never = { idleSeconds: 1e9, closedQuietSeconds: 1e9 };
      const to = { learnStrings: () => undefined, addPacked: () => void events.push('connection'), drain: async () => undefined };
      await trackOnThread(file, { tracker: never, decode: undefined }, to, (bytes) => events.push(bytes));
      const first = events.indexOf('connection');
      const before = events.slice(0, first) as number[];
      expect(before.length).toBeGreaterThanOrEqual(3);
      expect(before).toEqual([...before].sort((a, b) => a - b));
      expect(before[0]).toBeLessThan(statSync(file).size);
      expect(events.filter((e) => e !== 'connection').at(-1)).toBe(statSync(file).size);
      // The copies repeat the same packets (same 4-tuples and ISNs): 300 connections, all at the end.
      expect(events.filter((e) => e === 'connection')).toHaveLength(300);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
