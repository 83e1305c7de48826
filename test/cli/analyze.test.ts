import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/index.js';
import { isProblem } from '../../src/pipeline/filter.js';
import type { ConnectionReport } from '../../src/diagnosis/report.js';
import { csvHeader, csvRow } from '../../src/sinks/csv-row.js';
import { READER_FIXTURES, REPO } from '../helpers/paths.js';
import { repeatCapture } from '../bench/repeat-capture.js';
import { BIN, teardown } from '../helpers/cli.js';

const DEMO = join(REPO, 'fixtures', 'demo.pcap');
const LAB = join(REPO, 'fixtures', 'lab');

/** The per-connection fields docs/output.md promises. */
const CONTRACT = ['stream', 'client', 'server', 'tunnel', 'roleGuessed', 'firstFrame', 'lastFrame', 'start', 'end', 'packets', 'bytes',
  'ending', 'detail', 'closer', 'flags', 'timeline', 'apps', 'evidence', 'explanation', 'zeek', 'filter'];

describe('teardown analyze', () => {
  it('is the default command: a table and a summary of the demo capture', async () => {
    const r = await teardown([DEMO]);
    const { summary } = await analyzeFile(DEMO);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${summary.connections} connections: `);
    expect(r.stdout).toMatch(/top problems:\n {2}\d+ × /);
    expect(r.stdout).toMatch(/│ simultaneous-close +│ both +│/);
  });

  it('shows at most --limit rows, says how many it left out, and still counts them all', async () => {
    const { summary, connections } = await analyzeFile(DEMO);
    const rowsOf = (out: string): number[] => [...out.matchAll(/^│ (\d+) +│/gm)].map((m) => Number(m[1]));
    const limited = await teardown(['--limit', '5', DEMO]);
    expect(rowsOf(limited.stdout)).toEqual([0, 1, 2, 3, 4]);
    expect(limited.stdout).toContain(`... and ${summary.connections - 5} more connections (--limit 0 shows all;`);
    expect(limited.stdout).toContain(`${summary.connections} connections: `);
    const problems = await teardown(['--sort', 'problems', '--limit', '3', DEMO]);
    const firstProblems = connections.filter(isProblem).slice(0, 3).map((c) => c.stream);
    expect(rowsOf(problems.stdout)).toEqual(firstProblems);
    const all = await teardown(['--limit', '0', DEMO]);
    expect(rowsOf(all.stdout)).toEqual(connections.map((c) => c.stream));
    expect(all.stdout).not.toContain('more connection');
  });

  it('--format json follows the output contract', async () => {
    const r = await teardown(['analyze', '--format', 'json', DEMO]);
    const doc = JSON.parse(r.stdout) as { file: string; summary: unknown; connections: Record<string, unknown>[]; warnings: string[] };
    expect(Object.keys(doc)).toEqual(['file', 'summary', 'connections', 'warnings']);
    for (const c of doc.connections) {
      for (const field of CONTRACT) expect(c, field).toHaveProperty(field);
      expect(Object.keys(c.timeline as object)).toEqual(['client', 'server']);
      expect(Object.keys(c.zeek as object)).toEqual(['connState', 'history']);
    }
  });

  it('--format json is exactly JSON.stringify of the documents, though written one connection at a time', async () => {
    const doc = (r: Awaited<ReturnType<typeof analyzeFile>>, connections = r.connections) => ({ file: r.file, summary: r.summary, connections, warnings: r.warnings });
    const demo = await analyzeFile(DEMO);
    expect((await teardown(['--format', 'json', DEMO])).stdout).toBe(JSON.stringify(doc(demo), null, 2) + '\n');
    const fine = (c: { ending: string }) => !isProblem(c as ConnectionReport);
    const problemsFirst = [...demo.connections.filter((c) => !fine(c)), ...demo.connections.filter(fine)];
    expect((await teardown(['--format', 'json', '--sort', 'problems', DEMO])).stdout).toBe(JSON.stringify(doc(demo, problemsFirst), null, 2) + '\n');
    const files = [join(LAB, 'refused.pcap'), join(LAB, 'mixed.pcap')];
    const both = await Promise.all(files.map((f) => analyzeFile(f)));
    expect((await teardown(['--format', 'json', ...files])).stdout).toBe(JSON.stringify(both.map((r) => doc(r)), null, 2) + '\n');
    const none = await analyzeFile(DEMO, { filter: { streams: [9999] } });
    expect((await teardown(['--format', 'json', '--stream', '9999', DEMO])).stdout).toBe(JSON.stringify(doc(none), null, 2) + '\n');
  });

  it('still gives the same report without a writable temporary directory, and says with the file that it kept output in memory', async () => {
    const env = { ...process.env, TMPDIR: join(REPO, 'no-such-directory') };
    const warning = (file: string): RegExp => new RegExp(`^teardown: ${file}: warning: no temporary file in .*no-such-directory .*: output that waits was kept in memory$`);
    for (const format of ['json', 'csv']) {
      const normal = await teardown(['--format', format, '--sort', 'problems', DEMO]);
      const without = await teardown(['--format', format, '--sort', 'problems', DEMO], { env });
      expect(without.code).toBe(0);
      expect(without.stdout).toBe(normal.stdout);
      expect(without.stderr.trim().split('\n')).toEqual([expect.stringMatching(warning(DEMO))]);
    }
    // --jobs cannot make its directory: the files go one at a time, said once, with the first.
    const jobs = await teardown(['--format', 'ndjson', '--jobs', '2', DEMO, DEMO], { env });
    const ndjson = await teardown(['--format', 'ndjson', DEMO, DEMO]);
    expect(jobs.stdout).toBe(ndjson.stdout);
    expect(jobs.stderr).toMatch(new RegExp(`^teardown: ${DEMO}: warning: --jobs needs a temporary directory in .*no-such-directory .*: analysing one file at a time\n`));
  });

  it('--format ndjson prints one object per connection in first-packet order and nothing else', async () => {
    const r = await teardown(['--format', 'ndjson', DEMO]);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { stream: number; firstFrame: number });
    expect(rows.map((c) => c.stream)).toEqual(rows.map((_, i) => i));
    expect(rows.map((c) => c.firstFrame)).toEqual([...rows.map((c) => c.firstFrame)].sort((a, b) => a - b));
  });

  it('--format csv lists connections in stream order though they are taken as they finish (300 concurrent ones, filtered, problems first)', async () => {
    const file = join(LAB, 'mixed.pcap');
    const { connections } = await analyzeFile(file, { filter: { endings: ['graceful', 'refused'] } });
    const problemsFirst = [...connections.filter(isProblem), ...connections.filter((c) => !isProblem(c))];
    const expected = [csvHeader(), ...problemsFirst.map((c) => csvRow(file, c))].join('\n') + '\n';
    expect((await teardown(['--format', 'csv', '--sort', 'problems', '--ending', 'graceful,refused', file])).stdout).toBe(expected);
    expect(connections.map((c) => c.stream)).not.toEqual([...Array(connections.length).keys()]); // some streams filtered out
    expect(problemsFirst.map((c) => c.stream)).not.toEqual(connections.map((c) => c.stream)); // and reordered
  });

  it('--sort finish writes NDJSON lines as connections finish: the same lines, not held back for earlier streams', async () => {
    const inOrder = (await teardown(['--format', 'ndjson', DEMO])).stdout.trim().split('\n');
    const r = await teardown(['--format', 'ndjson', '--sort', 'finish', DEMO]);
    expect(r.code).toBe(0);
    const asFinished = r.stdout.trim().split('\n');
    expect([...asFinished].sort()).toEqual([...inOrder].sort());
    const streams = asFinished.map((l) => (JSON.parse(l) as { stream: number }).stream);
    expect(streams).not.toEqual([...streams].sort((a, b) => a - b));
    // Workers write in the same order; files still come in input order.
    const two = (await teardown(['--format', 'ndjson', '--sort', 'finish', '--jobs', '2', DEMO, DEMO])).stdout;
    expect(two).toBe(r.stdout + r.stdout);
    const refused = await teardown(['--sort', 'finish', DEMO]);
    expect([refused.code, refused.stderr.trim().split('\n').length, refused.stdout]).toEqual([2, 1, '']);
  });

  it('--format csv has a header and one quoted row per connection', async () => {
    const r = await teardown(['--format', 'csv', join(LAB, 'server-killed-client-writes.pcap')]);
    const [header, row, ...rest] = r.stdout.trim().split('\n');
    expect(header).toMatch(/^file,stream,client,server,/);
    expect(rest).toEqual([]);
    expect(row).toMatch(/,reset,after-close,server,.*,"198\.18\.1\.2:\d+ -> 198\.18\.2\.2:8092: the server closed at \+[0-9.]+ s \(FIN, frame \d+\); the client wrote after that/);
  });

  it('filters by ending, problem, port and stream', async () => {
    const { connections } = await analyzeFile(DEMO);
    const only = async (...args: string[]) => {
      const r = await teardown(['--format', 'ndjson', ...args, DEMO]);
      return r.stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as { ending: string; stream: number; server: { port: number } });
    };
    expect(new Set((await only('--ending', 'reset,timeout')).map((c) => c.ending))).toEqual(new Set(['reset', 'timeout']));
    // A simultaneous close is a normal close, not a problem (the demo has one, stream 3).
    expect((await only('--problems')).map((c) => c.ending)).toEqual(connections.filter(isProblem).map((c) => c.ending));
    expect((await only('--problems')).some((c) => ['graceful', 'simultaneous-close', 'open'].includes(c.ending))).toBe(false);
    expect((await only('--port', '8084')).map((c) => c.server.port)).toEqual([8084]);
    expect((await only('--stream', '3')).map((c) => c.stream)).toEqual([3]);
  });

  it('--ending narrows an ending to a detail (ending:detail), as assert does, from the CLI and the library alike', async () => {
    const { connections } = await analyzeFile(DEMO);
    const specs = ['reset:abort', 'graceful:three-segment-close', 'timeout/connect'];
    const wanted = connections.filter((c) => (c.ending === 'reset' && c.detail === 'abort') || (c.ending === 'graceful' && c.detail === 'three-segment close') || (c.ending === 'timeout' && c.detail === 'connect'));
    const r = await teardown(['--format', 'ndjson', '--ending', specs.join(','), DEMO]);
    const streams = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { stream: number }).stream);
    expect(streams).toEqual(wanted.map((c) => c.stream));
    // The demo has other resets and other graceful closes: the detail did narrow.
    expect(new Set(wanted.map((c) => c.ending))).toEqual(new Set(['reset', 'graceful', 'timeout']));
    expect(connections.filter((c) => ['reset', 'graceful', 'timeout'].includes(c.ending)).length).toBeGreaterThan(wanted.length);
    const library = await analyzeFile(DEMO, { filter: { endings: ['reset:abort', 'graceful:three-segment-close', 'timeout:connect'] } });
    expect(library.connections.map((c) => c.stream)).toEqual(streams);
  });

  it('refuses a detail its ending never carries, naming the ones it does (exit 2)', async () => {
    const r = await teardown(['--ending', 'reset:aborted', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--ending: unknown detail aborted of reset (one of abort, after-close, stale, late-fin, handshake, injected)');
    await expect(analyzeFile(DEMO, { filter: { endings: ['open:idle'] } })).rejects.toThrow('unknown detail idle of open (open carries no detail)');
  });

  it('--host takes IPv6 in any spelling and networks, and a filter that matches nothing says so', async () => {
    const v6 = join(LAB, 'ipv6-abort.pcap');
    const streams = async (file: string, ...args: string[]) => {
      const r = await teardown(['--format', 'ndjson', ...args, file]);
      return { streams: r.stdout.trim().split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { stream: number }).stream), stderr: r.stderr, code: r.code };
    };
    const { connections } = await analyzeFile(v6);
    const client = connections[0]!.client.ip;
    expect(client).toMatch(/^fd00:7d::/);
    for (const spelling of [client.toUpperCase(), `[${client}]`, 'fd00:7d::/64', client.replace('::', ':0:0:0:0:')]) {
      expect((await streams(v6, '--host', spelling)).streams, spelling).toEqual(connections.map((c) => c.stream));
    }
    const mixed = await analyzeFile(join(LAB, 'mixed.pcap'));
    expect((await streams(join(LAB, 'mixed.pcap'), '--host', '198.18.2.0/24')).streams).toHaveLength(mixed.connections.length);
    const none = await streams(join(LAB, 'mixed.pcap'), '--host', '198.18.9.0/24');
    expect(none.streams).toEqual([]);
    expect(none.stderr).toBe(`teardown: ${join(LAB, 'mixed.pcap')}: no connection matches --host 198.18.9.0/24 (of ${mixed.connections.length} connections)\n`);
    const table = await teardown(['--port', '1', DEMO]);
    expect(table.stderr).toMatch(/no connection matches --port 1 \(of \d+ connections\)\n$/);
    const typo = await teardown(['--host', '198.18.1.', DEMO]);
    expect([typo.code, typo.stderr]).toEqual([2, 'teardown: --host: "198.18.1." is not an IPv4 or IPv6 address or network (198.18.1.2, fd00:7d::1:2, 198.18.1.0/24, fd00:7d::/64)\n']);
  });

  it('writes IPv6 endpoints as [address]:port in CSV and the summary', async () => {
    const v6 = join(LAB, 'ipv6-abort.pcap');
    const csv = await teardown(['--format', 'csv', v6]);
    expect(csv.stdout.split('\n')[1]).toMatch(/^[^,]+,0,\[fd00:7d::[0-9a-f:]+\]:\d+,\[fd00:7d::[0-9a-f:]+\]:\d+,/);
    const table = await teardown([v6]);
    expect(table.stdout).toMatch(/^ {2}1 × reset \(abort\) with \[fd00:7d::[0-9a-f:]+\]:\d+ \(streams 0\)$/m);
  });

  it('--sort problems puts problems first', async () => {
    const r = await teardown(['--format', 'json', '--sort', 'problems', DEMO]);
    const endings = (JSON.parse(r.stdout) as { connections: { ending: string }[] }).connections.map((c) => c.ending);
    const fine = (ending: string): boolean => ['graceful', 'simultaneous-close', 'open'].includes(ending);
    const firstFine = endings.findIndex(fine);
    expect(firstFine).toBeGreaterThan(0);
    expect(endings.slice(firstFine).every(fine)).toBe(true);
  });

  it('labels several files, and a bad one fails with exit 2 while the others are reported', async () => {
    const bad = join(READER_FIXTURES, 'broken-magic.pcap');
    const r = await teardown([join(LAB, 'refused.pcap'), bad, join(LAB, 'open-at-end.pcap')]);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('refused.pcap\n');
    expect(r.stdout).toContain('open-at-end.pcap\n');
    expect(r.stderr).toBe(`teardown: ${bad}: not a pcap or pcapng capture (starts with 42 41 44 21) at byte 0\n`);
  });

  it('rejects an unknown ending with exit 2', async () => {
    const r = await teardown(['--ending', 'exploded', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown ending exploded/);
  });
});

describe('teardown show', () => {
  it("draws both timelines as a ladder with the connection's story", async () => {
    const r = await teardown(['show', join(LAB, 'simultaneous-close.pcap'), '--stream', '0']);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^stream 0: 198\.18\.1\.2:\d+ → 198\.18\.2\.2:8084$/);
    expect(lines[1]).toMatch(/^started 2026-11-21 \d\d:\d\d:\d\d\.\d{3} UTC \(\+\d+\.\d{3} s into the capture\), lasted 0\.\d{3} s, 11 segments$/);
    expect(lines[2]).toBe('ending: simultaneous-close, closed by both sides');
    expect(r.stdout).toMatch(/#\d+ +SYN-SENT +── SYN seq=0 len=0 ─+▶ SYN-RECEIVED\*/);
    // Whichever FIN the capture saw first, both sides pass through CLOSING.
    const closing = lines.filter((l) => l.includes('CLOSING*'));
    expect(closing.join('\n').match(/CLOSING\*/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/── FIN,PSH,ACK seq=101 ack=101 len=0 ─+▶/);
    expect(r.stdout).toMatch(/◀─+ FIN,PSH,ACK seq=101 ack=101 len=0 ──/);
    expect(r.stdout).toContain('Wireshark: tcp.stream eq 0');
    expect(r.stdout).toMatch(/Zeek: conn_state SF, history ShADad(Ff|fF)$/m);
    // Every arrow is drawn whole, the same width.
    const arrows = lines.filter((l) => l.includes('seq='));
    expect(new Set(arrows.map((l) => l.search(/[─◀]/)))).toEqual(new Set([arrows[0]!.search(/[─◀]/)]));
    expect(new Set(arrows.map((l) => l.search(/[▶─]( [^─▶]*)?$/) - l.search(/[─◀]/)))).toHaveProperty('size', 1);
    expect(arrows.every((l) => /▶|◀/.test(l))).toBe(true);
  });

  it('says so when the stream does not exist', async () => {
    const r = await teardown(['show', join(LAB, 'refused.pcap'), '--stream', '7']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no stream 7 in the capture\n$/);
  });
});

describe('teardown analyze --jobs', () => {
  it('gives exactly the sequential output, in input order, on worker threads', async () => {
    const files = [join(LAB, 'refused.pcap'), join(READER_FIXTURES, 'broken-magic.pcap'), join(LAB, 'mixed.pcap'), join(LAB, 'open-at-end.pcap')];
    const sequential = await teardown(['--format', 'ndjson', ...files]);
    const parallel = await teardown(['--format', 'ndjson', '--jobs', '3', ...files]);
    expect(parallel.stdout).toBe(sequential.stdout);
    expect(parallel.stderr).toBe(sequential.stderr);
    expect([parallel.code, sequential.code]).toEqual([2, 2]);
    const order = [...new Set(parallel.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { file: string }).file))];
    expect(order).toEqual([files[0], files[2], files[3]]);
    const table = await teardown(['--jobs', '2', files[0]!, files[3]!]);
    expect(table.stdout.indexOf('refused.pcap\n')).toBeLessThan(table.stdout.indexOf('open-at-end.pcap\n'));
  });

  it('gives exactly the sequential output in the other formats too (read back from the workers\' NDJSON)', async () => {
    const files = [join(LAB, 'refused.pcap'), join(READER_FIXTURES, 'broken-magic.pcap'), join(LAB, 'mixed.pcap'), join(LAB, 'open-at-end.pcap')];
    for (const format of [['--format', 'json'], ['--format', 'csv', '--sort', 'problems'], ['--sort', 'problems', '--limit', '7']]) {
      const sequential = await teardown([...format, ...files]);
      const parallel = await teardown([...format, '--jobs', '3', ...files]);
      expect(parallel.stdout, format.join(' ')).toBe(sequential.stdout);
      expect(parallel.stderr).toBe(sequential.stderr);
      expect(parallel.code).toBe(2);
    }
  });
});

describe('teardown analyze --threads 2', () => {
  /** Both runs' stdout, stderr and exit code: one thread, then two (NDJSON unless a format is given). */
  async function both(args: string[]): Promise<[Awaited<ReturnType<typeof teardown>>, Awaited<ReturnType<typeof teardown>>]> {
    const format = args.includes('--format') ? [] : ['--format', 'ndjson'];
    return [await teardown([...format, '--threads', '1', ...args]), await teardown([...format, '--threads', '2', ...args])];
  }

  it('gives exactly the one-thread output, in stream and finish order, filtered, in every format, over many batches', async () => {
    // The lab's 300 mixed connections twenty times over: ~2 MB packed, several batches
    // (and more than the four out at once), strings introduced in later batches too.
    const dir = mkdtempSync(join(tmpdir(), 'teardown-threads-'));
    try {
      const many = join(dir, 'mixed-x20.pcap');
      await repeatCapture(join(LAB, 'mixed.pcap'), many, 20, 7200);
      const formats = [['--format', 'json', many], ['--format', 'csv', '--sort', 'problems', many], ['--format', 'table', '--sort', 'problems', many]];
      for (const args of [[many], ['--sort', 'finish', many], ['--problems', many], ['--ending', 'refused,timeout', DEMO, many], ...formats]) {
        const [one, two] = await both(args);
        expect(one.stdout.split('\n').length, args.join(' ')).toBeGreaterThan(args.includes('--problems') || args.includes('--ending') || args.includes('table') ? 100 : 6000);
        expect(two.stdout, args.join(' ')).toBe(one.stdout);
        expect([two.stderr, two.code]).toEqual([one.stderr, 0]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives connections the same rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'teardown-threads-'));
    try {
      const many = join(dir, 'mixed-x20.pcap');
      await repeatCapture(join(LAB, 'mixed.pcap'), many, 20, 7200);
      const commands = [['connections', '--format', 'ndjson', many], ['connections', many]];
      for (const command of commands) {
        const one = await teardown([...command, '--threads', '1']);
        const two = await teardown([...command, '--threads', '2']);
        expect(two, command.join(' ')).toEqual(one);
        expect(one.stdout.length).toBeGreaterThan(500);
      }
      const bad = await teardown(['connections', '--threads', '2', join(READER_FIXTURES, 'broken-caplen.pcap')]);
      expect([bad.code, bad.stderr]).toEqual([2, (await teardown(['connections', '--threads', '1', join(READER_FIXTURES, 'broken-caplen.pcap')])).stderr]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same lines before damage, the same one-line error and exit 2, and the same warning for a cut-short capture', async () => {
    for (const name of ['broken-caplen.pcap', 'broken-magic.pcap', 'truncated-mid-packet.pcap', 'truncated-mid-block.pcapng']) {
      const [one, two] = await both([join(READER_FIXTURES, name)]);
      expect(two, name).toEqual(one);
      expect(one.stderr.trim().split('\n'), name).toHaveLength(1);
      // Damage after some connections: those lines come first, then exit 2.
      if (name === 'broken-caplen.pcap') expect([two.code, two.stdout === '']).toEqual([2, false]);
    }
    // The tracker's limits reach the tracking thread: idle connections split, overflow warned.
    const [limited, limitedTwo] = await both(['--idle-timeout', '0.3', '--max-connections', '1', DEMO]);
    expect(limitedTwo).toEqual(limited);
    expect(limited.stdout).toContain('idle-evicted');
    expect(limited.stderr).toContain('packets of connections not tracked: more than 1 open at once');
  });

  it('accepts --threads 2 with standard input (which it reads on one), and takes only 1 or 2', async () => {
    const viaStdin = await new Promise<string>((resolve) => {
      const child = spawn('sh', ['-c', `cat ${DEMO} | ${process.execPath} ${BIN} --format ndjson --threads 2 -`]);
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.on('close', () => resolve(out));
    });
    const [one] = await both([DEMO]);
    expect(viaStdin.replaceAll('"file":"-"', `"file":${JSON.stringify(DEMO)}`)).toBe(one.stdout);
    const bad = await teardown(['--format', 'ndjson', '--threads', '3', DEMO]);
    expect([bad.code, bad.stdout, bad.stderr]).toEqual([2, '', 'teardown: --threads takes 1 or 2\n']);
  });
});
