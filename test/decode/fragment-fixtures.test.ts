import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNotices } from '../../src/decode/notices.js';
import { analyzeFile } from '../../src/library.js';
import { readFramesTruth, readRows } from '../helpers/read.js';
import { REPO } from '../helpers/paths.js';
import { connectionsOf, streamRow, streamRowsFromFrames } from '../helpers/track.js';

/**
 * Fragmented TCP against tshark, which reassembles IP fragments and shows the TCP
 * segment, whole, in the frame that completes its datagram (fixtures/make-fragment-fixtures.sh):
 * linux-ipv4.pcap, Linux routers fragmenting both directions onto a 576-byte link;
 * crafted.pcap, the real traffic of a reader fixture cut into IPv4 and IPv6 fragments in
 * order, reversed, with 8 bytes of TCP header in the first, duplicated, and missing one.
 */
const FRAGMENTS = join(REPO, 'fixtures', 'fragments');

describe('fragmented TCP (fixtures/fragments)', () => {
  for (const [file, segments, held] of [['linux-ipv4.pcap', 22, 14], ['crafted.pcap', 28, 20]] as const) {
    it(`${file}: every segment in the frame tshark shows it in, whole; streams as tshark's`, async () => {
      const path = join(FRAGMENTS, file);
      const truth = readFramesTruth(`${path}.frames.tsv`);
      const { rows, summary, decoder } = await readRows(path);
      expect(summary?.frames).toBe(truth.frames);
      expect(rows).toEqual(truth.rows);
      expect(rows.length).toBe(segments);
      // The fragments that complete no datagram (linux-ipv4: 21 fragments in 7
      // datagrams; crafted: 28 in 10, 8 of them completed) are held, not TCP.
      expect(decoder.counts.byOutcome.fragment).toBe(held);
      const { connections } = await connectionsOf(path);
      expect(connections.map(streamRow)).toEqual(streamRowsFromFrames(`${path}.frames.tsv`));
    });
  }

  it('linux-ipv4.pcap: one graceful connection, every byte of both directions counted', async () => {
    const { connections, warnings } = await analyzeFile(join(FRAGMENTS, 'linux-ipv4.pcap'));
    expect(connections.map((c) => [c.ending, c.bytes.client, c.bytes.server])).toEqual([['graceful', 4000, 6000]]);
    expect(warnings).toEqual([]);
  });

  it('crafted.pcap: the same connections as the unfragmented capture, and a notice for the datagrams never completed', async () => {
    const crafted = await analyzeFile(join(FRAGMENTS, 'crafted.pcap'));
    const plain = await analyzeFile(join(REPO, 'fixtures', 'reader', 'eth-us.pcap'));
    const view = (c: (typeof plain.connections)[number]): unknown => [c.ending, c.detail, c.closedBy, c.bytes, c.packets];
    expect(crafted.connections.map(view)).toEqual(plain.connections.map(view));
    // Two datagrams lack their middle fragment (frames 23-24, 47-48). The first fragment of
    // another, sent again just after it was complete (frame 58), is known for a copy.
    expect(crafted.warnings).toEqual(['4 fragments of TCP datagrams never completed (first: frame 23): the TCP they carry is not seen']);
    const { decoder } = await readRows(join(FRAGMENTS, 'crafted.pcap'));
    expect(decodeNotices(decoder.counts)).toEqual(crafted.warnings);
  });
});
