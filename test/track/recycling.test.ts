import { describe, expect, it } from 'vitest';
import type { TrackedConnection } from '../../src/track/report.js';
import { trackCapture } from '../../src/track/track-capture.js';
import type { TrackerOptions } from '../../src/track/tracker.js';
import { labCaptures, REPO } from '../helpers/paths.js';

const CAPTURES = labCaptures();

async function reports(file: string, options: Partial<TrackerOptions>): Promise<TrackedConnection[]> {
  const out: TrackedConnection[] = [];
  await trackCapture(file, (c) => out.push(c), { tracker: options });
  return out;
}

describe('connection objects used again', () => {
  // Connections reported almost at once (closed: after 10 ms; open: idle after 0.2 s),
  // so nearly every one after the first few runs in a reported connection's object.
  const eager: Partial<TrackerOptions> = { closedQuietSeconds: 0.01, idleSeconds: 0.2 };

  it.each(CAPTURES.map((f) => [f.slice(REPO.length + 1), f]))('report exactly what fresh ones do: %s', async (_name, file) => {
    const fresh = await reports(file, { ...eager, spareConnections: 0 });
    const reused = await reports(file, eager);
    expect(reused).toEqual(fresh);
  });
});
