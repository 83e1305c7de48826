import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { PacketDecoder } from '../../src/decode/packet.js';
import { REPO } from '../helpers/paths.js';

const DIR = join(REPO, 'fixtures', 'checksums');
const CRAFTED = join(DIR, 'bad-checksums.pcap');
const DEMO = join(REPO, 'fixtures', 'demo.pcap');

/** The frames tshark finds a bad IPv4 header or TCP checksum in (fixtures/make-checksum-fixtures.sh). */
const truth = (name: string): number[] => readFileSync(join(DIR, `${name}.bad-frames.tsv`), 'utf8').trim().split('\n').map(Number);

async function badFrames(path: string, checksums: boolean): Promise<number[]> {
  const decoder = new PacketDecoder({ checksums });
  const frames: number[] = [];
  await readCapture(path, (rec) => {
    if (decoder.decode(rec) === 'bad-checksum') frames.push(rec.frame);
  });
  return frames;
}

describe('--checksums', () => {
  it.each([
    ['bad-checksums.pcap', CRAFTED],
    ['demo.pcap', DEMO],
  ])('%s: the segments left out are those tshark finds a bad checksum in', async (name, path) => {
    expect(await badFrames(path, true)).toEqual(truth(name));
    // Off by default, as in Wireshark: nothing is left out.
    expect(await badFrames(path, false)).toEqual([]);
  });
});
