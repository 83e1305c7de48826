import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import { CORPUS, HAS_CORPUS, REPO } from '../helpers/paths.js';
import { teardown, teardownInTerminal } from '../helpers/cli.js';

const DEMO = join(REPO, 'fixtures', 'demo.pcap');
const LAB = join(REPO, 'fixtures', 'lab');
const WIDTHS = [80, 120, 200];

/** What a terminal shows of a line: colour codes take no room. */
const visible = (line: string): string => line.replace(/\x1b\[[0-9;]*m/g, '');
/** Columns a line takes (our output is one column per code point). */
const columnsOf = (line: string): number => [...visible(line)].length;
/** Table text as words: borders and wrapping gone, so a wrapped sentence reads whole again. */
const words = (text: string): string => visible(text).replace(/[│┌┐└┘├┤┬┴┼─]/g, ' ').replace(/\s+/g, ' ');

const COMMANDS: [string, string[]][] = [
  ['analyze, IPv4', [DEMO]],
  ['analyze, IPv6', [join(LAB, 'ipv6-abort.pcap')]],
  ['analyze, many rows', [join(LAB, 'mixed.pcap'), '--limit', '30']],
  ['connections, IPv4', ['connections', DEMO]],
  ['connections, IPv6', ['connections', join(LAB, 'ipv6-client-closes-first.pcap')]],
  ['show', ['show', join(LAB, 'simultaneous-close.pcap'), '--stream', '0']],
  ['show, IPv6', ['show', join(LAB, 'ipv6-abort.pcap'), '--stream', '0']],
  ['triage', ['triage', join(LAB, 'mixed.pcap')]],
  ['triage, demo', ['triage', DEMO]],
  ...(HAS_CORPUS ? [['show, a long connection', ['show', join(CORPUS, 'tcptrace__dsack.dmp.gz'), '--stream', '0']] as [string, string[]]] : []),
];

describe('output in a terminal', () => {
  for (const [name, args] of COMMANDS) {
    it(`${name}: no line wider than a terminal of ${WIDTHS.join(', ')} columns`, async () => {
      const runs = await Promise.all(WIDTHS.map((width) => teardownInTerminal(width, args)));
      for (const [i, width] of WIDTHS.entries()) {
        const r = runs[i]!;
        expect(r.code, `${width} columns: ${r.stdout}`).toBe(0);
        const lines = r.stdout.split('\n');
        const widest = Math.max(...lines.map(columnsOf));
        expect(widest, `${width} columns:\n${lines.find((l) => columnsOf(l) === widest)}`).toBeLessThanOrEqual(width);
        expect(lines.length).toBeGreaterThan(3);
      }
    });
  }

  it('keeps every explanation whole at 80 columns, under its row, and in a column of its own at 200', async () => {
    const { connections } = await analyzeFile(DEMO);
    for (const width of [80, 200]) {
      const r = await teardownInTerminal(width, [DEMO, '--limit', '0']);
      const text = words(r.stdout);
      for (const c of connections) expect(text, `stream ${c.stream} at ${width}`).toContain(words(c.explanation.replace(/^\S+ -> \S+: /, '')));
      const head = visible(r.stdout.split('\n')[1]!);
      if (width === 80) expect(head).not.toContain('explanation');
      else expect(head).toMatch(/│ explanation +│$/);
    }
  });

  it('colours a table in a terminal, and never with NO_COLOR', async () => {
    expect((await teardownInTerminal(120, [DEMO])).stdout).toMatch(/\x1b\[36m stream/);
    expect((await teardownInTerminal(120, [DEMO], { ...process.env, NO_COLOR: '1' })).stdout).not.toContain('\x1b[');
  });
});

describe('output in a pipe', () => {
  it('is not wrapped (a row per line for grep), unless COLUMNS asks for a width', async () => {
    const { connections } = await analyzeFile(DEMO);
    const { COLUMNS: _, ...env } = process.env;
    const piped = await teardown([DEMO], { env: { ...env, NO_COLOR: '1' } });
    for (const c of connections) expect(piped.stdout).toContain(c.explanation.replace(/^\S+ -> \S+: /, ''));
    const narrow = await teardown([DEMO], { env: { ...env, NO_COLOR: '1', COLUMNS: '100' } });
    expect(Math.max(...narrow.stdout.split('\n').map(columnsOf))).toBeLessThanOrEqual(100);
  });
});

describe('start times', () => {
  /** The start cell of `stream`'s row in a table printed unwrapped. */
  const startOf = (table: string, stream: number): string => {
    const row = table.split('\n').find((l) => l.startsWith(`│ ${stream} `))!;
    return row.split('│')[3]!.trim();
  };

  it('are capture time, UTC with the date, the same whatever the filter', async () => {
    const { connections } = await analyzeFile(DEMO);
    const c = connections[5]!;
    const all = await teardown([DEMO]);
    expect(all.stdout).toMatch(/│ start \(UTC\) +│/);
    const expected = new Date(Math.round(c.start * 1000)).toISOString().replace('T', ' ').slice(0, 23);
    expect(startOf(all.stdout, c.stream)).toBe(expected);
    expect(startOf((await teardown([DEMO, '--stream', String(c.stream)])).stdout, c.stream)).toBe(expected);
  });

  it('--time relative counts from the capture\'s first packet, not from the first row shown', async () => {
    const { connections } = await analyzeFile(DEMO);
    // The demo's first frame is an ICMPv6 listener report, before any TCP: its time read
    // from the file itself (classic pcap, little-endian, microseconds: a record header at byte 24).
    const bytes = readFileSync(DEMO);
    expect(bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);
    const first = bytes.readUInt32LE(24) + bytes.readUInt32LE(28) / 1e6;
    expect(Math.min(...connections.map((c) => c.start))).toBeGreaterThan(first);
    const c = connections[5]!;
    const expected = `+${(c.start - first).toFixed(3)}s`;
    for (const command of [[], ['connections']]) {
      expect(startOf((await teardown([...command, DEMO, '--time', 'relative'])).stdout, c.stream)).toBe(expected);
      expect(startOf((await teardown([...command, DEMO, '--time', 'relative', ...(command.length === 0 ? ['--stream', String(c.stream)] : [])])).stdout, c.stream)).toBe(expected);
    }
    // The second connection of a filtered table does not start at +0.
    expect(startOf((await teardown([DEMO, '--time', 'relative', '--stream', '3'])).stdout, 3)).not.toBe('+0.000s');
  });
});

describe.runIf(HAS_CORPUS)('a table of every connection of a scan', () => {
  it('is drawn whole at 80 columns (its widths overflowed the call stack)', async () => {
    const scan = join(CORPUS, 'ppa__synscan.pcapng');
    const { connections } = await analyzeFile(scan);
    expect(connections.length).toBeGreaterThan(1500);
    const r = await teardown([scan, '--limit', '0'], { env: { ...process.env, NO_COLOR: '1', COLUMNS: '80' } });
    expect([r.code, r.stderr]).toEqual([0, '']);
    const rows = [...r.stdout.matchAll(/^│ (\d+) +│/gm)].map((m) => Number(m[1]));
    expect(rows).toEqual(connections.map((c) => c.stream));
    expect(Math.max(...r.stdout.split('\n').map(columnsOf))).toBeLessThanOrEqual(80);
  });
});
