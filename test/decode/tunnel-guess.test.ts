import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeNotices } from '../../src/decode/notices.js';
import { readRows } from '../helpers/read.js';
import { REPO } from '../helpers/paths.js';

/**
 * A tunnel on a port the decoder does not read as one is named in a warning, with the
 * --decode-as that would read it: the encapsulated fixtures with their UDP port moved.
 */
const ENCAPSULATED = join(REPO, 'fixtures', 'encapsulated');

/** The capture (classic pcap, Ethernet, IPv4 outside) with UDP port `from` made `to`. */
function movePort(file: string, from: number, to: number): Buffer {
  const bytes = Buffer.from(readFileSync(join(ENCAPSULATED, file)));
  for (let at = 24; at < bytes.length; at += 16 + bytes.readUInt32LE(at + 8)) {
    const ip = at + 16 + 14;
    if (bytes.readUInt16BE(ip - 2) !== 0x0800 || bytes[ip + 9] !== 17) continue;
    const udp = ip + (bytes[ip]! & 0x0f) * 4;
    for (const field of [udp, udp + 2]) if (bytes.readUInt16BE(field) === from) bytes.writeUInt16BE(to, field);
  }
  return bytes;
}

describe('a UDP tunnel on a port not read as one', () => {
  for (const [file, kind, port] of [['geneve.pcap', 'geneve', 6081], ['gtp-u.pcap', 'gtp-u', 2152]] as const) {
    it(`${kind}: every datagram that carried TCP is counted under its port, in one warning`, async () => {
      const tunnelled = (await readRows(join(ENCAPSULATED, file))).rows.length;
      const { rows, decoder } = await readRows(Readable.from([movePort(file, port, 7000)]));
      // The IPv6 connection rides the tunnel too; nothing inside is seen.
      expect(rows).toEqual([]);
      expect([...decoder.counts.tunnelGuesses]).toEqual([[7000, { kind, datagrams: tunnelled, firstFrame: expect.any(Number) }]]);
      expect(decodeNotices(decoder.counts)).toEqual([expect.stringContaining(`on port 7000 look like ${kind} carrying TCP`)]);
    });
  }

  it('is not guessed for the UDP of other captures: the traffic around other tunnels and inside them', async () => {
    for (const file of ['gre.pcap', 'teredo.pcap', 'ayiya.pcap', 'vxlan-in-gre.pcap']) {
      const { decoder } = await readRows(join(ENCAPSULATED, file));
      expect(decoder.counts.tunnelGuesses.size, file).toBe(0);
    }
  });
});
