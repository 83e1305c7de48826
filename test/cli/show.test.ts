import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import { CORPUS, HAS_CORPUS, REPO } from '../helpers/paths.js';
import { teardown } from '../helpers/cli.js';

/** A transfer of 15,710 segments (tcptrace's sample), and the lab's short simultaneous close. */
const LONG = join(CORPUS, 'tcptrace__dsack.dmp.gz');
const SHORT = join(REPO, 'fixtures', 'lab', 'simultaneous-close.pcap');

/** The frames drawn as arrows, and the gap lines' counts and frame ranges. */
function ladder(stdout: string): { arrows: number[]; gaps: { count: number; from: number; to: number }[]; rows: string[] } {
  const rows = stdout.split('\n').filter((l) => /^ *\+\d+\.\d{6} #\d+ /.test(l));
  const arrows = rows.filter((l) => /[▶◀]/.test(l)).map((l) => Number(/#(\d+)/.exec(l)![1]));
  const gaps = [...stdout.matchAll(/⋮ (\d+) segments? not shown \(frames? (\d+)(?:-(\d+))?/g)].map((m) => ({ count: Number(m[1]), from: Number(m[2]), to: Number(m[3] ?? m[2]) }));
  return { arrows, gaps, rows };
}

describe.runIf(HAS_CORPUS)('teardown show on a long connection', () => {
  it('draws the handshake, every state change and the last 40 segments, and says what it left out', async () => {
    const [c] = (await analyzeFile(LONG)).connections;
    const total = c!.packets.client + c!.packets.server;
    expect(total).toBeGreaterThan(15000);
    const r = await teardown(['show', LONG, '--stream', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').length).toBeLessThan(100);
    const { arrows, gaps, rows } = ladder(r.stdout);
    expect(r.stdout).toContain(`${total} segments`);
    // Drawn and left out add up to the whole connection.
    expect(arrows.length + gaps.reduce((n, g) => n + g.count, 0)).toBe(total);
    for (const g of gaps) expect(arrows.some((f) => f >= g.from && f <= g.to)).toBe(false);
    // The first segments and the last 40 are drawn.
    expect(arrows.slice(0, 3)).toEqual([c!.firstFrame, c!.firstFrame + 1, c!.firstFrame + 2]);
    expect(arrows[arrows.length - 1]).toBe(c!.lastFrame);
    expect(arrows.length).toBeGreaterThanOrEqual(40 + 3);
    // Every state change of both sides has a row at its frame.
    for (const side of ['client', 'server'] as const) {
      for (const step of c!.timeline[side]) {
        if (step.frame !== null) expect(rows.some((l) => l.includes(`#${step.frame} `) && l.includes(step.state)), `${side} ${step.state} #${step.frame}`).toBe(true);
      }
    }
  });

  it('--frames A-B draws those frames, --around F the 20 segments each side of F', async () => {
    const frames = ladder((await teardown(['show', LONG, '--stream', '0', '--frames', '5000-5009'])).stdout);
    expect(frames.arrows).toEqual(Array.from({ length: 10 }, (_, i) => 5000 + i));
    const around = ladder((await teardown(['show', LONG, '--stream', '0', '--around', '8000'])).stdout);
    expect(around.arrows).toEqual(Array.from({ length: 41 }, (_, i) => 7980 + i));
    expect(around.gaps.map((g) => g.to)).toEqual([7979, expect.any(Number)]);
    const open = ladder((await teardown(['show', LONG, '--stream', '0', '--frames', '15700-'])).stdout);
    expect(open.arrows[0]).toBe(15700);
    expect(open.arrows[open.arrows.length - 1]).toBe(15712);
  });

  it('puts each gap where its frames were: after the frames before it, before those after it', async () => {
    for (const window of [['--frames', '100-102'], ['--around', '8000'], ['--frames', '-5'], []]) {
      const out = (await teardown(['show', LONG, '--stream', '0', ...window])).stdout.split('\n');
      const frames: number[] = [];
      for (const l of out) {
        const row = /^ *\+\d+\.\d{6} #(\d+) /.exec(l);
        const gap = /⋮ \d+ segments? not shown \(frames? (\d+)(?:-(\d+))?/.exec(l);
        if (row !== null) frames.push(Number(row[1]));
        if (gap !== null) frames.push(Number(gap[1]));
      }
      expect(frames, window.join(' ')).toEqual([...frames].sort((a, b) => a - b));
    }
  });

  it('refuses a range with no segment of the stream, or an inverted one, naming what there is', async () => {
    const outside = await teardown(['show', LONG, '--stream', '0', '--frames', '20000-20010']);
    expect([outside.code, outside.stderr]).toEqual([2, `teardown: ${LONG}: stream 0 has no segment in frames 20000-20010 (its frames are 3-15712)\n`]);
    const inverted = await teardown(['show', LONG, '--stream', '0', '--frames', '10-5']);
    expect(inverted.code).toBe(2);
    expect(inverted.stderr).toMatch(/--frames takes a range of frame numbers A-B, A- or -B \(got "10-5"\)/);
    const both = await teardown(['show', LONG, '--stream', '0', '--frames', '5-10', '--around', '7']);
    expect(both.code).toBe(2);
  });
});

describe('teardown show on a short connection', () => {
  it('draws every segment, with no gap', async () => {
    const [c] = (await analyzeFile(SHORT)).connections;
    const { arrows, gaps } = ladder((await teardown(['show', SHORT, '--stream', '0'])).stdout);
    expect(arrows).toHaveLength(c!.packets.client + c!.packets.server);
    expect(gaps).toEqual([]);
  });
});

describe('teardown show: the Community ID', () => {
  it('is the one analyze gives, with the same seed', async () => {
    for (const seed of ['0', '7']) {
      const [c] = (await analyzeFile(SHORT, { tracker: { communityIdSeed: Number(seed) } })).connections;
      const r = await teardown(['show', SHORT, '--stream', '0', '--community-id-seed', seed]);
      expect(r.stdout).toContain(`\nCommunity ID: ${c!.communityId}\n`);
    }
  });
});
