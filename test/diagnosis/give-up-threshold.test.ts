import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import { REPO } from '../helpers/paths.js';

/**
 * Whether a retransmission series gave up depends on how long the capture went on after
 * its last attempt: longer than the next back-off (twice the last interval) with a
 * quarter's margin, it is a timeout; shorter, the side may still be trying
 * (half-open). Tested on the lab's vanished peer: the client's retransmissions, then
 * only pings. The capture is cut after the last retransmission and one of those pings
 * is put back at a chosen time, just under or just over the threshold, so only the
 * capture's end moves.
 */
const VANISHED = join(REPO, 'fixtures', 'lab', 'peer-vanishes.pcap');
const dir = mkdtempSync(join(tmpdir(), 'teardown-give-up-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Classic pcap, little-endian, microseconds: the records as [header offset, length]. */
function records(bytes: Buffer): [number, number][] {
  expect(bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);
  const out: [number, number][] = [];
  for (let at = 24; at < bytes.length; ) {
    const length = 16 + bytes.readUInt32LE(at + 8);
    out.push([at, length]);
    at += length;
  }
  return out;
}

/** The capture up to frame `last`, then frame `last + 1` moved to time `t`. */
function endingAt(last: number, t: number, name: string): string {
  const bytes = readFileSync(VANISHED);
  const all = records(bytes);
  const [moved, length] = all[last]!;
  const tail = Buffer.from(bytes.subarray(moved, moved + length));
  const micros = Math.round(t * 1e6);
  tail.writeUInt32LE(Math.floor(micros / 1e6), 0);
  tail.writeUInt32LE(micros % 1e6, 4);
  const [end, endLength] = all[last - 1]!;
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([bytes.subarray(0, end + endLength), tail]));
  return path;
}

describe('giving up a retransmission series', () => {
  it('is a timeout just over the next back-off with its margin, and half-open just under', async () => {
    const [c] = (await analyzeFile(VANISHED)).connections;
    expect([c!.ending, c!.detail]).toEqual(['timeout', 'retransmission']);
    const series = c!.sides.client.unackedSeries!;
    const times = series.times;
    const last = times[times.length - 1]!;
    const next = 2 * (last - times[times.length - 2]!);
    const lastFrame = series.frames[series.frames.length - 1]!;
    for (const [offset, ending] of [[-0.01, 'half-open'], [0.01, 'timeout']] as const) {
      const cut = endingAt(lastFrame, last + next * 1.25 + offset, `end${offset}.pcap`);
      const [again] = (await analyzeFile(cut)).connections;
      expect(again!.ending, `capture ending ${offset} s from the threshold`).toBe(ending);
      // The series itself is the same: only the end moved.
      expect(again!.sides.client.unackedSeries!.times).toEqual(times);
    }
    // Without the margin the next back-off alone would decide: just over it is still half-open.
    const [early] = (await analyzeFile(endingAt(lastFrame, last + next + 0.01, 'early.pcap'))).connections;
    expect(early!.ending).toBe('half-open');
  });
});
