import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionsOf, streamRow, streamRowsFromFrames } from '../helpers/track.js';
import { CORPUS, HAS_CORPUS, READER_FIXTURES, REPO } from '../helpers/paths.js';

/**
 * Connections are numbered, split and joined exactly as Wireshark's tcp.stream: on the
 * public corpus (tshark's stream table: first and last frame, frames, endpoints, SYN,
 * FIN and RST counts) and on every fixture (tshark's tcp.stream of every frame).
 */
describe.skipIf(!HAS_CORPUS)('streams of the public corpus', () => {
  const truths = HAS_CORPUS ? readdirSync(join(CORPUS, 'truth')) : [];
  for (const truth of truths) {
    const file = truth.replace(/\.streams\.tsv$/, '');
    it(file, async () => {
      const expected = readFileSync(join(CORPUS, 'truth', truth), 'utf8').trim().split('\n').slice(2).map((line) => {
        const c = line.split('\t');
        return [c[0], c[1], c[2], c[3], [c[4], c[5]].sort().join(' '), c[6], c[7], c[8]].join('|');
      });
      const { connections } = await connectionsOf(join(CORPUS, file));
      const ours = connections.map((c) => {
        const s = c.sides;
        return [streamRow(c), s.client.syns + s.server.syns, s.client.fins + s.server.fins, s.client.rsts + s.server.rsts].join('|');
      });
      expect(ours).toEqual(expected);
    });
  }
});

const fixtureDirs = [READER_FIXTURES, join(REPO, 'fixtures', 'lab')];
const framesFiles = fixtureDirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.frames.tsv'))
    .map((f) => [dir, f] as const),
);

describe('streams of the fixtures', () => {
  it('are many', () => {
    expect(framesFiles.length).toBeGreaterThanOrEqual(43);
  });

  for (const [dir, frames] of framesFiles) {
    const capture = frames.replace(/\.frames\.tsv$/, '');
    it(capture, async () => {
      const { connections } = await connectionsOf(join(dir, capture));
      const expected = streamRowsFromFrames(join(dir, frames));
      expect(expected.length).toBeGreaterThan(0);
      expect(connections.map(streamRow)).toEqual(expected);
    });
  }
});
