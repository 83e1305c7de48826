import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import { CORPUS, HAS_CORPUS, READER_FIXTURES, REPO } from '../helpers/paths.js';
import { teardown } from '../helpers/cli.js';
import { wellFormed } from '../helpers/xml.js';

const LAB = join(REPO, 'fixtures', 'lab');
/** 300 connections: 124 graceful, 114 reset (abort), 62 refused. */
const MIXED = join(LAB, 'mixed.pcap');
const REFUSED = join(LAB, 'refused.pcap');
const DEMO = join(REPO, 'fixtures', 'demo.pcap');

const dir = mkdtempSync(join(tmpdir(), 'teardown-assert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A file in the test's folder with this text. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** `tests`, `failures` and `errors` of a JUnit element (errors absent: 0), and of each <testsuite>. */
function counts(xml: string, element: 'testsuites' | 'testsuite'): { tests: number; failures: number; errors: number }[] {
  return [...xml.matchAll(new RegExp(`<${element} [^>]*>`, 'g'))].map(([tag]) => {
    const attribute = (name: string): number => Number(new RegExp(` ${name}="(\\d+)"`).exec(tag)?.[1] ?? 0);
    return { tests: attribute('tests'), failures: attribute('failures'), errors: attribute('errors') };
  });
}

/** The streams listed under a verdict in the output, in order. */
const listed = (text: string): number[] => [...text.matchAll(/^ *stream (\d+): /gm)].map((m) => Number(m[1]));

describe('teardown assert: a detail the ending never carries', () => {
  it('is a usage error naming the expectation and the valid details, on a capture where it would have passed', async () => {
    const cases: [string, string][] = [
      ['no reset:aborted', 'teardown: "no reset:aborted": unknown detail aborted of reset (one of abort, after-close, stale, late-fin, handshake, injected)\n'],
      ['reset:bogus == 0', 'teardown: "reset:bogus == 0": unknown detail bogus of reset (one of abort, after-close, stale, late-fin, handshake, injected)\n'],
      ['no timeout:conect', 'teardown: "no timeout:conect": unknown detail conect of timeout (one of connect, retransmission, keepalive)\n'],
      ['all refused:port', 'teardown: "all refused:port": unknown detail port of refused (one of icmp-port-unreachable)\n'],
      ['stream 0 is open/idle', 'teardown: "stream 0 is open/idle": unknown detail idle of open (open carries no detail)\n'],
    ];
    for (const [expectation, stderr] of cases) {
      const r = await teardown(['assert', MIXED, '--expect', expectation]);
      expect([r.code, r.stderr, r.stdout], expectation).toEqual([2, stderr, '']);
    }
    // Details written with hyphens for spaces are known, and match.
    const r = await teardown(['assert', MIXED, '--expect', 'graceful:three-segment-close == 124', '--expect', 'no reset:abort']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^PASS {2}graceful:three-segment-close == 124 {2}\(124 connections graceful:three-segment-close\)\nFAIL {2}no reset:abort {2}\(114 connections reset:abort\)\n/);
  });
});

describe('teardown assert: a stream or port the capture does not have', () => {
  it('is an error (exit 2), said plainly, and a JUnit <error>, even beside a failure', async () => {
    const junit = join(dir, 'missing.xml');
    const r = await teardown(['assert', MIXED, '--expect', 'stream 999 is graceful', '--expect', 'closer of port 9999 is server', '--expect', 'no reset', '--expect', 'refused <= 62', '--junit', junit]);
    expect(r.code).toBe(2);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('ERROR  stream 999 is graceful  (no stream 999 in the capture: it has streams 0-299)');
    expect(lines[1]).toBe('ERROR  closer of port 9999 is server  (no connection used port 9999)');
    expect(lines[2]).toBe('FAIL  no reset  (114 connections reset)');
    expect(r.stdout).toMatch(/\nPASS {2}refused <= 62 {2}\(62 connections refused\)\n1 passed, 1 failed, 2 errors\n$/);
    const xml = readFileSync(junit, 'utf8');
    expect(counts(xml, 'testsuites')).toEqual([{ tests: 4, failures: 1, errors: 2 }]);
    expect(counts(xml, 'testsuite')).toEqual([{ tests: 4, failures: 1, errors: 2 }]);
    expect(xml).toContain(`<testcase classname="${MIXED}" name="stream 999 is graceful">\n      <error message="no stream 999 in the capture: it has streams 0-299"/>\n    </testcase>`);
    expect(xml).toContain(`<testcase classname="${MIXED}" name="closer of port 9999 is server">\n      <error message="no connection used port 9999"/>\n    </testcase>`);
    // Where the stream and the port are there, they are judged as usual.
    const there = await teardown(['assert', REFUSED, '--expect', 'stream 0 is refused', '--expect', 'closer of port 8089 is server', '--expect', 'all refused']);
    expect([there.code, there.stdout]).toEqual([0, 'PASS  stream 0 is refused  (stream 0 is refused)\nPASS  closer of port 8089 is server  (1 of 1 connections on port 8089 closed by the server)\nPASS  all refused  (1 of 1 connections are refused)\n3 passed, 0 failed\n']);
  });

  it.skipIf(!HAS_CORPUS)('is an error on a capture without TCP connections, where every expectation would hold of none', async () => {
    const r = await teardown(['assert', join(CORPUS, 'scapy__pfcp.pcap'), '--expect', 'all graceful', '--expect', 'no reset']);
    const none = 'no TCP connections in the capture: nothing was checked';
    expect([r.code, r.stdout]).toEqual([2, `ERROR  all graceful  (${none})\nERROR  no reset  (${none})\n0 passed, 0 failed, 2 errors\n`]);
  });
});

describe('teardown assert: a capture it cannot read', () => {
  it('is a JUnit <error> with the one-line message, counted in the summary, and exit 2', async () => {
    const text = file('notes.txt', 'not a capture\n');
    const junit = join(dir, 'unreadable.xml');
    const r = await teardown(['assert', text, REFUSED, join(READER_FIXTURES, 'broken-magic.pcap'), '--expect', 'no reset', '--junit', junit]);
    expect(r.code).toBe(2);
    const messages = r.stderr.split('\n').slice(0, -1);
    expect(messages).toEqual([
      `teardown: ${text}: not a pcap or pcapng capture (starts with 6e 6f 74 20) at byte 0`,
      expect.stringMatching(/^teardown: .*broken-magic\.pcap: .* at byte 0$/),
    ]);
    expect(r.stdout).toBe(`${REFUSED}\nPASS  no reset  (0 connections reset)\n1 passed, 0 failed, 2 errors\n`);
    const xml = readFileSync(junit, 'utf8');
    expect(counts(xml, 'testsuites')).toEqual([{ tests: 3, failures: 0, errors: 2 }]);
    expect(counts(xml, 'testsuite')).toEqual([
      { tests: 1, failures: 0, errors: 1 },
      { tests: 1, failures: 0, errors: 0 },
      { tests: 1, failures: 0, errors: 1 },
    ]);
    expect(xml).toContain(`<testsuite name="${text}" tests="1" failures="0" errors="1">\n    <testcase classname="${text}" name="read the capture">\n      <error message="${messages[0]}"/>\n    </testcase>\n  </testsuite>`);
  });

  it('alone is exit 2 and no pass', async () => {
    const r = await teardown(['assert', join(READER_FIXTURES, 'broken-magic.pcap'), '--expect', 'no reset']);
    expect([r.code, r.stdout]).toEqual([2, '0 passed, 0 failed, 1 error\n']);
  });
});

describe('teardown assert: more offenders than are listed', () => {
  it(`lists the first 20 by stream and says how many more, or every one with --all, in the output and in JUnit`, async () => {
    const { connections } = await analyzeFile(MIXED);
    const resets = connections.filter((c) => c.ending === 'reset').map((c) => c.stream).sort((a, b) => a - b);
    expect(resets).toHaveLength(114);
    const junit = join(dir, 'offenders.xml');

    const some = await teardown(['assert', MIXED, '--expect', 'no reset', '--junit', junit]);
    expect(some.code).toBe(1);
    expect(listed(some.stdout)).toEqual(resets.slice(0, 20));
    expect(some.stdout).toMatch(/\n {6}stream \d+: [^\n]+\n {6}\.\.\. and 94 more connections \(--all to list them\)\n0 passed, 1 failed\n$/);
    const failure = /<failure message="114 connections reset">([^<]*)<\/failure>/.exec(readFileSync(junit, 'utf8'))![1]!;
    expect(listed(failure)).toEqual(resets.slice(0, 20));
    expect(failure).toMatch(/\n\.\.\. and 94 more connections \(--all to list them\)$/);

    const every = await teardown(['assert', MIXED, '--expect', 'no reset', '--all', '--junit', junit]);
    expect(every.code).toBe(1);
    expect(listed(every.stdout)).toEqual(resets);
    expect(every.stdout).not.toContain('more connections');
    const all = /<failure message="114 connections reset">([^<]*)<\/failure>/.exec(readFileSync(junit, 'utf8'))![1]!;
    expect(listed(all)).toEqual(resets);
    expect(all).not.toContain('more connections');
  });
});

describe('teardown assert --rules', () => {
  it('reads YAML with comments, quotes, anchors and flow lists, and JSON', async () => {
    const yaml = file('rules.yml', [
      '# the mixed lab capture',
      'limits: &refusals "refused <= 62"',
      'expect:',
      "  - 'reset:abort == 114'   # every reset an abort",
      '  - *refusals',
      '  - "closer of port 8111 is server"',
    ].join('\n'));
    const a = await teardown(['assert', MIXED, '--rules', yaml]);
    expect([a.code, a.stdout]).toEqual([0, 'PASS  reset:abort == 114  (114 connections reset:abort)\nPASS  refused <= 62  (62 connections refused)\nPASS  closer of port 8111 is server  (62 of 62 connections on port 8111 closed by the server)\n3 passed, 0 failed\n']);
    const flow = await teardown(['assert', MIXED, '--rules', file('flow.yml', 'expect: [no timeout, "no reset"]\n')]);
    expect([flow.code, listed(flow.stdout).length]).toEqual([1, 20]);
    const json = await teardown(['assert', MIXED, '--rules', file('rules.json', '{\n\t"expect": ["no timeout", "refused >= 1"]\n}\n')]);
    expect([json.code, json.stdout]).toEqual([0, 'PASS  no timeout  (0 connections timeout)\nPASS  refused >= 1  (62 connections refused)\n2 passed, 0 failed\n']);
  });

  it('says what is wrong in one line with the file, line and column, and exits 2', async () => {
    const cases: [string, string, RegExp][] = [
      ['broken.yml', 'expect:\n  - no reset\n  all graceful: 1\n', /^line 3, column 1: All mapping items must start at the same column$/],
      ['broken.json', '{"expect": ["no reset",\n  "all graceful"\n', /^line 3, column 1: \S/],
      ['item.yml', 'expect:\n  - no reset\n  - reset: abort\n', /^line 3, column 5: expectation 2 of the list is not a string: a mapping/],
      ['detail.yml', '- no reset\n- no reset:aborted\n', /^line 2, column 3: "no reset:aborted": unknown detail aborted of reset \(one of abort, /],
    ];
    for (const [name, text, what] of cases) {
      const path = file(name, text);
      const r = await teardown(['assert', MIXED, '--rules', path]);
      expect([r.code, r.stdout], name).toEqual([2, '']);
      expect(r.stderr.startsWith(`teardown: ${path}: `), r.stderr).toBe(true);
      expect(r.stderr.slice(`teardown: ${path}: `.length).replace(/\n$/, ''), name).toMatch(what);
      expect(r.stderr.split('\n'), name).toHaveLength(2);
    }
  });
});

describe('teardown assert --help', () => {
  it('tells of --all, the rules formats and the exit codes', async () => {
    const r = await teardown(['assert', '--help']);
    expect(r.code).toBe(0);
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/--all list every connection that breaks an expectation \(default: the first 20 by stream/);
    expect(help).toContain('a YAML or JSON file of expectations');
    expect(help).toMatch(/exit 0 when all hold, 1 when one fails, 2 on bad input/);
  });
});

describe('teardown assert', () => {
  it('exits 0 when every expectation holds', async () => {
    const r = await teardown(['assert', join(LAB, 'client-closes-first.pcap'), '--expect', 'all graceful', '--expect', 'closer of port 8081 is client']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS {2}all graceful {2}\(1 of 1 connections are graceful\)\n/);
    expect(r.stdout).toMatch(/\n2 passed, 0 failed\n$/);
  });

  it('exits 1 on a failed expectation, naming the connections, their explanation and evidence, and writes valid JUnit', async () => {
    const junit = join(dir, 'demo.junit.xml');
    const r = await teardown(['assert', DEMO, '--expect', 'no reset', '--expect', 'refused <= 2', '--junit', junit]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL {2}no reset {2}\(6 connections reset\)\n {6}stream \d+: reset \(abort\), frames \d+: .* aborted the connection/);
    const xml = await import('node:fs/promises').then((fs) => fs.readFile(junit, 'utf8'));
    expect(wellFormed(xml)).toBe(true);
    expect(xml).toMatch(/<testsuites name="teardown assert" tests="2" failures="1" errors="0">/);
    expect(xml).toMatch(/<testcase classname="[^"]*demo\.pcap" name="no reset">\s*<failure message="6 connections reset">stream/);
    expect(xml).toMatch(/<testcase classname="[^"]*demo\.pcap" name="refused &lt;= 2"\/>/);
  });

  it('exits 2 on an expectation it cannot read, or a damaged capture', async () => {
    const a = await teardown(['assert', DEMO, '--expect', 'all fine']);
    expect([a.code, a.stderr]).toEqual([2, 'teardown: "all fine": unknown ending fine (one of graceful, simultaneous-close, half-closed, reset, refused, unreachable, timeout, half-open, open, not-established)\n']);
    const b = await teardown(['assert', join(READER_FIXTURES, 'broken-magic.pcap'), '--expect', 'all graceful']);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/at byte 0\n$/);
  });
});

describe('teardown assert on a capture that holds less than it seems', () => {
  it('is an ERROR on a capture without packets, with the reader\'s warnings on stderr and in the JUnit suite', async () => {
    const header = file('header-only.pcap', '');
    writeFileSync(header, readFileSync(DEMO).subarray(0, 24));
    const junit = join(dir, 'empty.junit.xml');
    const r = await teardown(['assert', header, '--expect', 'no reset', '--expect', 'refused == 0', '--junit', junit]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('ERROR  no reset  (no TCP connections in the capture: nothing was checked)\nERROR  refused == 0  (no TCP connections in the capture: nothing was checked)\n0 passed, 0 failed, 2 errors\n');
    expect(r.stderr).toBe(`teardown: ${header}: warning: the capture holds no packets at byte 24\n`);
    const xml = readFileSync(junit, 'utf8');
    expect(wellFormed(xml)).toBe(true);
    expect(xml).toContain('<system-err>warning: the capture holds no packets at byte 24</system-err>');
  });

  it('refuses a rules file whose key is not expect: (a misspelling would drop its rules)', async () => {
    const rules = file('misspelt.yml', 'expect:\n  - refused <= 2\nexpcet:\n  - no reset\n');
    const r = await teardown(['assert', DEMO, '--rules', rules]);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(`teardown: ${rules}: line 3, column 1: unknown key expcet: the expectations go under expect: (another key may only hold an &anchor)\n`);
  });
});
