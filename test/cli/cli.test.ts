import { execFile, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { READER_FIXTURES, REPO } from '../helpers/paths.js';
import { connectionsOf } from '../helpers/track.js';
import { BIN, teardown } from '../helpers/cli.js';

const fixture = (name: string): string => join(READER_FIXTURES, name);

/** The expected byte offset of a fixture's error or warning, from the fixture manifest. */
function manifestOffset(name: string): string {
  const row = readFileSync(join(READER_FIXTURES, 'MANIFEST.tsv'), 'utf8').split('\n').find((l) => l.startsWith(`${name}\t`));
  return row!.split('\t')[4]!;
}

describe('teardown info', () => {
  it('describes a dumpcap capture, including its statistics-block end time', async () => {
    const r = await teardown(['info', fixture('eth-dumpcap.pcapng')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/format +pcapng\n/);
    expect(r.stdout).toMatch(/link types +Ethernet \(1\): \d+/);
    expect(r.stdout).toMatch(/capture end +\d{10}\.\d{9} \(pcapng statistics block, written in microseconds as dumpcap 4\.0 does\)/);
    expect(r.stdout).toMatch(/written by +Dumpcap/);
  });

  it('prints JSON with --json', async () => {
    const r = await teardown(['info', '--json', fixture('eth-us.pcap.gz')]);
    const [info] = JSON.parse(r.stdout) as { format: string; compression: string; decoded: { tcp: number } }[];
    expect([info!.format, info!.compression, info!.decoded.tcp > 0]).toEqual(['pcap', 'gzip', true]);
  });
});

describe('teardown --version', () => {
  it("prints this package's version when installed in another project (not that project's)", async () => {
    const own = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    // npm's layout: the host project, its node_modules with our package and our
    // dependencies side by side. Linked, not copied; --preserve-symlinks makes Node
    // (and yargs, which looks for package.json above its own node_modules) see them
    // where an install would put them.
    const host = mkdtempSync(join(tmpdir(), 'teardown-host-project-'));
    try {
      writeFileSync(join(host, 'package.json'), JSON.stringify({ name: 'host-project', version: '9.9.9' }));
      const modules = join(host, 'node_modules');
      mkdirSync(join(modules, 'tcp-teardown'), { recursive: true });
      for (const dependency of readdirSync(join(REPO, 'node_modules'))) symlinkSync(join(REPO, 'node_modules', dependency), join(modules, dependency));
      copyFileSync(join(REPO, 'package.json'), join(modules, 'tcp-teardown', 'package.json'));
      symlinkSync(join(REPO, 'dist'), join(modules, 'tcp-teardown', 'dist'));
      const r = spawnSync(process.execPath, ['--preserve-symlinks', '--preserve-symlinks-main', join(modules, 'tcp-teardown', 'dist', 'src', 'cli', 'main.js'), '--version'], { cwd: host, encoding: 'utf8' });
      expect([r.status, r.stdout, r.stderr]).toEqual([0, `${own}\n`, '']);
    } finally {
      rmSync(host, { recursive: true, force: true });
    }
  });
});

describe('bad input', () => {
  it('is one line naming the file and byte offset, exit code 2, no stack trace', async () => {
    const path = fixture('broken-caplen.pcap');
    const r = await teardown(['segments', path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`teardown: ${path}: record claims 2147483647 captured bytes (limit 262144) at byte ${manifestOffset('broken-caplen.pcap')}\n`);
    // The frames before the damage are still printed.
    expect(r.stdout.trim().split('\n').length).toBeGreaterThan(1);
  });

  it('names a file that is not a capture by what it is', async () => {
    const r = await teardown(['info', fixture('broken-magic.pcap')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^teardown: .*broken-magic\.pcap: not a pcap or pcapng capture \(starts with 42 41 44 21\) at byte 0\n$/);
  });

  it('says so when a file does not exist', async () => {
    const r = await teardown(['info', '/nonexistent.pcap']);
    expect([r.code, r.stderr]).toEqual([2, 'teardown: /nonexistent.pcap: no such file\n']);
  });

  it('warns about a cut-off last packet and still reports everything before it', async () => {
    const r = await teardown(['segments', fixture('truncated-mid-packet.pcap')]);
    expect(r.code).toBe(0);
    const offset = manifestOffset('truncated-mid-packet.pcap');
    expect(r.stderr).toMatch(new RegExp(`^teardown: .*: warning: last packet is incomplete: the file was cut short \\(\\d+ bytes of it\\) at byte ${offset}\n$`));
    expect(r.stdout.split('\n').length).toBeGreaterThan(20);
  });

  it('rejects an unknown command with exit code 2', async () => {
    const r = await teardown(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^teardown: /);
  });
});

describe('standard input', () => {
  it('reads a compressed capture piped in as -', async () => {
    const fromFile = await teardown(['segments', fixture('eth-us.pcap')]);
    const fromPipe = await teardown(['segments', '-'], { stdinFile: fixture('eth-us.pcap.gz') });
    expect(fromPipe.code).toBe(0);
    expect(fromPipe.stdout).toBe(fromFile.stdout);
  });

  it('stops quietly when the reader of its output goes away', async () => {
    const out = await new Promise<{ error: Error | null; stderr: string }>((resolve) => {
      execFile('sh', ['-c', `node ${BIN} segments ${fixture('two-interfaces.pcapng')} | head -n 2`], (error, _stdout, stderr) => resolve({ error, stderr }));
    });
    expect(out.error).toBeNull();
    expect(out.stderr).toBe('');
  });
});

describe('teardown connections', () => {
  it('lists the demo capture in stream order with endings and final states, without colour when piped', async () => {
    const demo = join(REPO, 'fixtures', 'demo.pcap');
    const r = await teardown(['connections', demo]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(r.stdout).toMatch(/→ 198\.18\.2\.2:8084 .*│ simultaneous-close +│ both +│ TIME-WAIT +│ TIME-WAIT +│/);
    expect(r.stdout).toMatch(/\[fd00:7d::c:2\]:\d+ → \[fd00:7d::5:2\]:8088 .*│ graceful \(four-segment close\)/);
    const { connections } = await connectionsOf(demo);
    expect(r.stdout).toMatch(new RegExp(`\\n${connections.length} connections\\n$`));
    const streams = [...r.stdout.matchAll(/^│ (\d+) +│/gm)].map((m) => Number(m[1]));
    expect(streams).toEqual(connections.map((c) => c.stream));
  });

  it('shows the first --limit streams (they finish in another order) and counts them all', async () => {
    const demo = join(REPO, 'fixtures', 'demo.pcap');
    const { connections } = await connectionsOf(demo);
    const r = await teardown(['connections', '--limit', '4', demo]);
    expect([...r.stdout.matchAll(/^│ (\d+) +│/gm)].map((m) => Number(m[1]))).toEqual([0, 1, 2, 3]);
    expect(r.stdout).toContain(`... and ${connections.length - 4} more connections (--limit 0 shows all;`);
    expect(r.stdout).toMatch(new RegExp(`\\n${connections.length} connections\\n$`));
  });

  it('prints one JSON object per connection with timelines', async () => {
    const r = await teardown(['connections', '--format', 'ndjson', join(REPO, 'fixtures', 'lab', 'port-reuse.pcap')]);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { stream: number; flags: string[]; timeline: { server: { state: string }[] } });
    expect(rows.map((c) => c.stream).sort()).toEqual([0, 1]);
    expect(rows.find((c) => c.stream === 1)?.flags).toContain('port-reuse');
    expect(rows.find((c) => c.stream === 1)?.timeline.server.at(-1)?.state).toBe('TIME-WAIT');
  });
});

describe('teardown connections limits', () => {
  it('counts and reports the packets of connections beyond --max-connections', async () => {
    const r = await teardown(['connections', '--max-connections', '2', join(REPO, 'fixtures', 'demo.pcap')]);
    expect(r.code).toBe(0);
    // Connections close and leave the table as the capture goes on, so some are tracked.
    const listed = Number(/\n(\d+) connections\n$/.exec(r.stdout)?.[1]);
    const { connections } = await connectionsOf(join(REPO, 'fixtures', 'demo.pcap'));
    expect(listed).toBeGreaterThanOrEqual(2);
    expect(listed).toBeLessThan(connections.length);
    expect(r.stderr).toMatch(/warning: \d+ packets of connections not tracked: more than 2 open at once/);
  });

  it('apply to analyze too, on worker threads as well', async () => {
    const demo = join(REPO, 'fixtures', 'demo.pcap');
    const { connections } = await connectionsOf(demo);
    for (const jobs of ['1', '2']) {
      const r = await teardown(['analyze', '--format', 'ndjson', '--max-connections', '2', '--jobs', jobs, demo, demo]);
      expect(r.code).toBe(0);
      const reported = r.stdout.trim().split('\n').length;
      expect(reported).toBeGreaterThanOrEqual(4);
      expect(reported).toBeLessThan(2 * connections.length);
      expect(r.stderr).toMatch(/warning: \d+ packets of connections not tracked: more than 2 open at once/);
    }
  });

  it('rejects a nonsensical limit with exit code 2', async () => {
    const r = await teardown(['connections', '--max-connections', '0', join(REPO, 'fixtures', 'demo.pcap')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^teardown: --idle-timeout must be positive/);
  });
});

describe('the teardown command', () => {
  // Standard input may be any size, so it is one of the inputs the command restarts
  // Node for (with heap flags, see main.ts): these go through that second process.
  it('passes the exit code of the Node it starts for a large input', async () => {
    const good = await teardown(['analyze', '--format', 'ndjson', '-'], { stdinFile: join(REPO, 'fixtures', 'demo.pcap') });
    expect(good.code).toBe(0);
    expect(good.stdout.trim().split('\n').length).toBeGreaterThan(5);
    const bad = await teardown(['analyze', '-'], { stdinFile: fixture('broken-magic.pcap') });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^teardown: -: .* at byte \d+\n$/);
  });

  it('stops the Node it started when it is stopped itself', async () => {
    const marker = '4242.4242'; // an idle timeout nobody else uses, to find the processes by
    const header = fixture('eth-us.pcap');
    // A capture header and then nothing for a while, through a pipe: the analysis waits.
    const shell = spawn('sh', ['-c', `(head -c 24 '${header}'; sleep 30) | '${process.execPath}' '${BIN}' analyze --idle-timeout ${marker} -`], { stdio: 'ignore', detached: true });
    const find = (flagged: boolean): number[] => {
      const r = spawnSync('pgrep', ['-af', `idle-timeout ${marker}`], { encoding: 'utf8' });
      const nodes = r.stdout.split('\n').filter((l) => l.split(' ')[1] === process.execPath);
      return nodes.filter((l) => l.includes('--max-semi-space-size') === flagged).map((l) => Number(l.split(' ')[0]));
    };
    try {
      for (let i = 0; i < 50 && find(true).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      const [launcher] = find(false);
      expect(find(true)).toHaveLength(1);
      process.kill(launcher!, 'SIGTERM');
      for (let i = 0; i < 50 && find(true).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(find(true)).toEqual([]);
    } finally {
      process.kill(-shell.pid!, 'SIGKILL');
    }
  });
});
