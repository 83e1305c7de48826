import { readFileSync } from 'node:fs';
import type { CaptureInput } from '../../src/capture/reader.js';
import { CaptureError } from '../../src/capture/errors.js';
import type { TrackedConnection } from '../../src/track/report.js';
import { trackCapture, type TrackResult } from '../../src/track/track-capture.js';
import type { TrackerOptions } from '../../src/track/tracker.js';

/** Every connection of a capture, in stream order (reading stops quietly at damage). */
export async function connectionsOf(input: CaptureInput, tracker?: Partial<TrackerOptions>): Promise<{ connections: TrackedConnection[]; result: TrackResult | null }> {
  const connections: TrackedConnection[] = [];
  let result: TrackResult | null = null;
  try {
    result = await trackCapture(input, (c) => connections.push(c), { tracker });
  } catch (err) {
    if (!(err instanceof CaptureError)) throw err;
  }
  connections.sort((a, b) => a.stream - b.stream);
  return { connections, result };
}

/** A stream as tshark's summary describes it: `index|first|last|tcp frames|endpoints`. */
export function streamRow(c: TrackedConnection): string {
  const ends = [`${c.client.ip}:${c.client.port}`, `${c.server.ip}:${c.server.port}`].sort().join(' ');
  return [c.stream, c.firstFrame, c.lastFrame, c.packets.client + c.packets.server, ends].join('|');
}

/** The same rows from a `.frames.tsv` (tshark's per-frame view with tcp.stream). */
export function streamRowsFromFrames(path: string): string[] {
  const lines = readFileSync(path, 'utf8').trim().split('\n').slice(2);
  const streams = new Map<number, { first: number; last: number; frames: number; ends: Set<string> }>();
  for (const line of lines) {
    const c = line.split('\t');
    if (c[18] !== '' || c[19] === '') continue; // ICMP rows count in no stream's frames
    const stream = Number(c[19]);
    const frame = Number(c[0]);
    const s = streams.get(stream) ?? { first: frame, last: frame, frames: 0, ends: new Set<string>() };
    s.last = frame;
    s.frames++;
    s.ends.add(`${c[2]}:${c[3]}`).add(`${c[4]}:${c[5]}`);
    streams.set(stream, s);
  }
  return [...streams.entries()].sort(([a], [b]) => a - b).map(([i, s]) => [i, s.first, s.last, s.frames, [...s.ends].sort().join(' ')].join('|'));
}
