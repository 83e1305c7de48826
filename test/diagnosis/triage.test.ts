import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/analyze.js';
import type { ConnectionReport } from '../../src/report/connection-report.js';
import { TriageBuilder, type Triage } from '../../src/report/triage.js';
import { REPO } from '../helpers/paths.js';

/** Feeds every connection to one builder, as the command does. */
function triage(connections: readonly ConnectionReport[]): Triage {
  const builder = new TriageBuilder();
  for (const c of connections) builder.add(c);
  return builder.result();
}

const LAB = join(REPO, 'fixtures', 'lab');

describe('triage', () => {
  it('groups the mixed run by server, ending and closer, with counts from its truth', async () => {
    const truth = JSON.parse(readFileSync(join(LAB, 'mixed.connections.json'), 'utf8')) as { serverPort: number; connections: { kind: string }[] };
    const count = (kind: string): number => truth.connections.filter((c) => c.kind === kind).length;
    const t = triage((await analyzeFile(join(LAB, 'mixed.pcap'))).connections);
    const groups = t.groups.map((g) => [g.server, g.ending, g.detail, g.connections]);
    expect(groups).toEqual(expect.arrayContaining([
      [`198.18.2.2:${truth.serverPort + 1}`, 'refused', null, count('r')],
      [`198.18.2.2:${truth.serverPort}`, 'reset', 'abort', count('u')],
      [`198.18.2.2:${truth.serverPort}`, 'reset', 'abort', count('a')],
    ]));
    expect(t.groups).toHaveLength(3);
    expect(t.problems).toBe(count('r') + count('u') + count('a'));
    const patterns = t.groups.map((g) => g.pattern).join('\n');
    expect(patterns).toMatch(new RegExp(`${count('r')} connection attempts to 198\\.18\\.2\\.2:\\d+ were refused between \\d\\d:\\d\\d:\\d\\d\\.\\d+ and .*: nothing listened there`));
    expect(patterns).toMatch(/aborted with RST .* by the server/);
    expect(patterns).toMatch(/aborted with RST .* by the client/);
    for (const g of t.groups) expect(g.sparkline).toMatch(/^[ ▁▂▃▄▅▆▇█]+$/);
  });

  it('names a CLOSE-WAIT leak and who leaks', async () => {
    const t = triage((await analyzeFile(join(LAB, 'close-wait-leak.pcap'))).connections);
    expect(t.groups.map((g) => g.pattern)).toEqual([expect.stringMatching(/^1 connection in CLOSE-WAIT on the server side for up to \d+ s: the server application does not close sockets on EOF$/)]);
  });
});
