import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import type { ConnectionReport } from '../../src/diagnosis/report.js';
import { isProblem } from '../../src/pipeline/filter.js';
import { TriageBuilder, type Triage, type TriageGroup, type TriageOptions } from '../../src/sinks/triage.js';
import { CORPUS, HAS_CORPUS, REPO } from '../helpers/paths.js';

/** Feeds every connection to one builder, as the command does. */
function triage(connections: readonly ConnectionReport[], options?: TriageOptions): Triage {
  const builder = new TriageBuilder();
  for (const c of connections) builder.add(c);
  return builder.result(options);
}

const LAB = join(REPO, 'fixtures', 'lab');
const connectionsOf = async (file: string): Promise<ConnectionReport[]> => (await analyzeFile(file)).connections;

/** A time as triage prints it: the date, the clock to the millisecond; "UTC" follows the range. */
const STAMP = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}';
/** A range within one day: the date once. */
const SAME_DAY = `between ${STAMP} and \\d\\d:\\d\\d:\\d\\d\\.\\d{3} UTC`;

/** How many of `items` there are per key. */
function countBy<T>(items: readonly T[], key: (x: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of items) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return m;
}

const problemCounts = (g: TriageGroup): Map<string, number> => new Map(g.problems.map((p) => [`${p.ending}|${p.detail ?? ''}`, p.connections]));
const endingCounts = (cs: readonly ConnectionReport[]): Map<string, number> => countBy(cs, (c) => `${c.ending}|${c.detail ?? ''}`);
/** What triage takes for a failed attempt: never established, or reset before the server accepted it. */
const failedAttempt = (c: ConnectionReport): boolean => isProblem(c) && (!c.established || (c.ending === 'reset' && c.detail === 'handshake'));
const sortedUnique = (xs: number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);

describe('triage', () => {
  it('groups the mixed run by server, ending and closer, with counts from its truth', async () => {
    const truth = JSON.parse(readFileSync(join(LAB, 'mixed.connections.json'), 'utf8')) as { serverPort: number; connections: { kind: string; closer: string }[] };
    const count = (kind: string): number => truth.connections.filter((c) => c.kind === kind).length;
    const closer = (kind: string): string => truth.connections.find((c) => c.kind === kind)!.closer;
    const t = triage(await connectionsOf(join(LAB, 'mixed.pcap')));
    const groups = t.groups.map((g) => [g.kind, g.server, g.problems.map((p) => p.problem), g.connections]);
    expect(groups).toEqual(expect.arrayContaining([
      ['server', `198.18.2.2:${truth.serverPort + 1}`, ['refused'], count('r')],
      ['server', `198.18.2.2:${truth.serverPort}`, [`reset (abort) by the ${closer('u')}`], count('u')],
      ['server', `198.18.2.2:${truth.serverPort}`, [`reset (abort) by the ${closer('a')}`], count('a')],
    ]));
    expect(t.groups).toHaveLength(3);
    expect(t.problems).toBe(count('r') + count('u') + count('a'));
    const patterns = t.groups.map((g) => g.pattern).join('\n');
    expect(patterns).toMatch(new RegExp(`${count('r')} connection attempts to 198\\.18\\.2\\.2:\\d+ were refused ${SAME_DAY}: nothing listened there`));
    expect(patterns).toMatch(new RegExp(`aborted with RST ${SAME_DAY} by the server`));
    expect(patterns).toMatch(new RegExp(`aborted with RST ${SAME_DAY} by the client`));
    for (const g of t.groups) expect(g.sparkline).toMatch(/^[ ▁▂▃▄▅▆▇█]+$/);
  });

  it('spreads a lab incident of a few seconds over round columns, as many as fit', async () => {
    const connections = await connectionsOf(join(LAB, 'mixed.pcap'));
    const start = Math.min(...connections.map((c) => c.start));
    const end = Math.max(...connections.map((c) => c.end));
    expect(end - start).toBeLessThan(10);
    for (const most of [undefined, 20, 3]) {
      const t = triage(connections, { columns: most });
      const columns = t.columns!;
      const limit = most ?? 60;
      expect(columns.count).toBeGreaterThan(1);
      expect(columns.count).toBeLessThanOrEqual(limit);
      // Round: 1, 2 or 5 times a power of ten milliseconds, and the first column starts on a multiple of it.
      const ms = Math.round(columns.width * 1000);
      expect(String(ms)).toMatch(/^[125]0*$/);
      expect(Math.round(columns.from * 1000) % ms).toBe(0);
      expect(columns.from).toBeLessThanOrEqual(start);
      expect(columns.from + columns.count * columns.width).toBeGreaterThan(end);
      // The narrowest that fits: the round width below (100 → 50, 200 → 100, 500 → 200) would need more columns.
      const lower = ms * (String(ms).startsWith('5') ? 0.4 : 0.5);
      expect(Math.floor((end * 1000) / lower) - Math.floor((start * 1000) / lower) + 1).toBeGreaterThan(limit);
      for (const g of t.groups) expect([...g.sparkline]).toHaveLength(columns.count);
      // A block in exactly the columns where a refused connection ended.
      const refused = t.groups.find((g) => g.problems[0]!.ending === 'refused')!;
      const used = new Set(connections.filter((c) => c.ending === 'refused').map((c) => Math.floor((c.end - columns.from) / columns.width)));
      expect([...refused.sparkline].map((b, i) => (b === ' ' ? -1 : i)).filter((i) => i >= 0)).toEqual([...used].sort((x, y) => x - y));
    }
  });

  it('names a CLOSE-WAIT leak and who leaks', async () => {
    const t = triage(await connectionsOf(join(LAB, 'close-wait-leak.pcap')));
    expect(t.groups.map((g) => g.pattern)).toEqual([expect.stringMatching(/^1 connection in CLOSE-WAIT on the server side for up to \d+ s: the server application does not close sockets on EOF$/)]);
  });

  it('collapses one-offs into one line, one each with its server (the demo: one of every ending)', async () => {
    const connections = await connectionsOf(join(REPO, 'fixtures', 'demo.pcap'));
    const problems = connections.filter(isProblem);
    const t = triage(connections);
    expect(t.groups).toHaveLength(1);
    const [others] = t.groups;
    expect(others!.kind).toBe('others');
    expect(others!.connections).toBe(problems.length);
    expect(others!.endpoints).toBe(new Set(problems.map((c) => `${c.server.ip} ${c.server.port}`)).size);
    expect(others!.title).toBe(`${problems.length} × one-off — ${others!.endpoints} servers on ${new Set(problems.map((c) => c.server.ip)).size} hosts`);
    expect(others!.pattern).toMatch(new RegExp(`^${problems.length} problem connections forming no group, one each with`));
    expect(others!.streams).toEqual(problems.map((c) => c.stream).sort((a, b) => a - b).slice(0, 10));
    expect(endingCounts(problems)).toEqual(countBy(others!.problems.flatMap((p) => Array<string>(p.connections).fill(`${p.ending}|${p.detail ?? ''}`)), (x) => x));
  });
});

describe.runIf(HAS_CORPUS)('triage of public captures', () => {
  it('names the SYN scan: one source, one target, its ports and what came of them', async () => {
    const connections = await connectionsOf(join(CORPUS, 'ppa__synscan.pcapng'));
    const problems = connections.filter(isProblem);
    const t = triage(connections);
    expect(t.groups).toHaveLength(1);
    const [scan] = t.groups;
    const sources = [...new Set(problems.map((c) => c.client.ip))];
    const targets = [...new Set(problems.map((c) => c.server.ip))];
    expect([sources.length, targets.length]).toEqual([1, 1]);
    const ports = new Set(problems.map((c) => c.server.port)).size;
    expect(ports).toBeGreaterThan(100);
    expect(scan).toMatchObject({ kind: 'scanner', source: sources[0], connections: problems.length, hosts: 1, ports });
    expect(scan!.title).toBe(`${problems.length} × probe (port scan) — ${sources[0]} → ${targets[0]}`);
    expect(problemCounts(scan!)).toEqual(endingCounts(problems));
    // The words, with the counts and ports the connections give.
    const ending = (e: string): ConnectionReport[] => problems.filter((c) => c.ending === e);
    const portsOf = (cs: ConnectionReport[]): string => sortedUnique(cs.map((c) => c.server.port)).join(', ');
    const open = ending('not-established').filter((c) => c.sides.server.synAcks > 0);
    expect(open.length).toBeGreaterThan(0);
    expect(scan!.pattern).toMatch(new RegExp(`^${sources[0]} probed ${ports} ports on ${targets[0]} \\(a port scan\\) ${SAME_DAY}, ${problems.length} connection attempts: `));
    expect(scan!.pattern).toContain(`${ending('timeout').length} got no answer`);
    expect(scan!.pattern).toContain(`${ending('refused').length} were refused (ports ${portsOf(ending('refused'))})`);
    expect(scan!.pattern).toContain(`${open.length} answered with SYN-ACK, which ${sources[0]} never completed (ports ${portsOf(open)})`);
  });

  it('gives gnutella a handful of groups: the client whose peers failed, then the one-offs', async () => {
    const connections = await connectionsOf(join(CORPUS, 'ndpi__gnutella.pcap'));
    const problems = connections.filter(isProblem);
    const t = triage(connections);
    expect(t.groups.length).toBeLessThanOrEqual(5);
    expect(t.groups.reduce((n, g) => n + g.connections, 0)).toBe(problems.length);
    // The top group: the source with the most failed attempts, and all of them.
    const failed = problems.filter(failedAttempt);
    const [source, attempts] = [...countBy(failed, (c) => c.client.ip)].sort((a, b) => b[1] - a[1])[0]!;
    const mine = failed.filter((c) => c.client.ip === source);
    const hosts = new Set(mine.map((c) => c.server.ip)).size;
    const ports = new Set(mine.map((c) => c.server.port)).size;
    const [top] = t.groups;
    expect(top).toMatchObject({ kind: 'client', source, connections: attempts, hosts, ports });
    expect(problemCounts(top!)).toEqual(endingCounts(mine));
    // Many hosts, a port or two each: a client whose peers are gone, not a port scan.
    expect(top!.pattern).toMatch(new RegExp(`^${source.replaceAll('.', '\\.')} could not connect to ${hosts} hosts \\(${ports} ports, at most 2 on one host\\) ${SAME_DAY}, ${attempts} connection attempts: `));
    expect(top!.pattern).not.toMatch(/scan/);
    expect(top!.pattern).toContain(`${endingCounts(mine).get('timeout|connect')} got no answer`);
    // The rest: established connections aborted by peers, one each, collapsed into one line.
    const rest = problems.filter((c) => !mine.includes(c));
    const others = t.groups.at(-1)!;
    expect(others).toMatchObject({ kind: 'others', connections: rest.length, endpoints: rest.length });
    expect(others.title).toBe(`${rest.length} × other — ${rest.length} servers on ${new Set(rest.map((c) => c.server.ip)).size} hosts`);
    expect(others.pattern).toMatch(new RegExp(`^${rest.length} other problem connections, one each with ${rest.length} servers on \\d+ hosts, ${SAME_DAY}: `));
    expect(problemCounts(others)).toEqual(endingCounts(rest));
    expect(others.streams).toEqual(rest.map((c) => c.stream).sort((a, b) => a - b));
  });

  it('names a service when one port has one problem on many servers (ethereum peers on 30303)', async () => {
    const connections = await connectionsOf(join(CORPUS, 'ndpi__ethereum.pcap'));
    const t = triage(connections);
    const [top] = t.groups;
    const same = connections.filter((c) => isProblem(c) && c.server.port === top!.port && c.ending === top!.problems[0]!.ending && c.detail === top!.problems[0]!.detail && c.closer === 'server');
    const hosts = new Set(same.map((c) => c.server.ip)).size;
    expect(hosts).toBeGreaterThan(10);
    expect(top).toMatchObject({ kind: 'service', port: 30303, connections: same.length, hosts, problems: [{ problem: 'reset (after-close) by the server', connections: same.length }] });
    expect(top!.title).toBe(`${same.length} × reset (after-close) by the server — port 30303 on ${hosts} servers (from 1 client)`);
    expect(top!.pattern).toMatch(new RegExp(`^${same.length} connections with port 30303 on ${hosts} servers were reset by the server ${SAME_DAY} after it had closed`));
  });

  it('does not depend on the order connections arrive in', async () => {
    for (const file of ['ndpi__gnutella.pcap', 'suri__tls__tls-subjectaltname.pcap']) {
      const connections = await connectionsOf(join(CORPUS, file));
      const expected = JSON.stringify(triage(connections));
      expect(JSON.stringify(triage([...connections].reverse()))).toBe(expected);
    }
  });
});
