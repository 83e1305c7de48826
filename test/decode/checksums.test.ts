import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { PacketDecoder } from '../../src/decode/packet.js';
import { teardown } from '../helpers/cli.js';
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

  it("a bad FIN is not used: the server's close goes unseen, and the warning says why and where", async () => {
    const json = async (args: string[]) => JSON.parse((await teardown(['analyze', CRAFTED, '--format', 'json', ...args])).stdout).connections[0];
    expect((await json([])).ending).toBe('graceful');
    const checked = await json(['--checksums']);
    expect([checked.ending, checked.detail]).toEqual(['half-closed', 'client-closed']);
    const run = await teardown(['analyze', CRAFTED, '--checksums']);
    expect(run.stderr).toContain('warning: 2 TCP segments with a bad IPv4 header or TCP checksum left out (--checksums; first: frame 19)');
  });

  it("Zeek's rows count a bad TCP checksum in the history (c: the responder's), as Zeek does when it checks", async () => {
    const histories = async (args: string[]) =>
      (await teardown(['analyze', CRAFTED, '--format', 'zeek', ...args])).stdout
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#'))
        .map((l) => l.split('\t')[15]);
    expect(await histories([])).toEqual(['ShADaFdf', 'ShADaFdf']);
    const checked = await histories(['--checksums']);
    expect(checked[0]).toContain('c');
    expect(checked[1]).toBe('ShADaFdf');
  });
});
