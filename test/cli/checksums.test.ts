import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { teardown } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

/** The crafted capture of fixtures/make-checksum-fixtures.sh: a FIN's TCP checksum and a data segment's IPv4 header checksum wrong. */
const CRAFTED = join(REPO, 'fixtures', 'checksums', 'bad-checksums.pcap');

describe('--checksums, from the command line', () => {
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
