import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { teardown } from '../helpers/cli.js';
import { CORPUS, HAS_CORPUS, REPO } from '../helpers/paths.js';
import type { Triage } from '../../src/sinks/triage.js';

const MIXED = join(REPO, 'fixtures', 'lab', 'mixed.pcap');
const captures = [MIXED, ...(HAS_CORPUS ? ['ppa__synscan.pcapng', 'ndpi__gnutella.pcap'].map((f) => join(CORPUS, f)) : [])];

/** This environment without colour and without a width of its own: each test says the width. */
function environment(columns?: number): NodeJS.ProcessEnv {
  const { COLUMNS: _columns, ...rest } = process.env;
  return { ...rest, NO_COLOR: '1', ...(columns === undefined ? {} : { COLUMNS: String(columns) }) };
}

/** The line at `at` with its continuation lines (indented two more) joined back. */
function unwrapped(lines: readonly string[], at: number): string {
  const indent = /^ */.exec(lines[at]!)![0].length;
  let text = lines[at]!;
  for (let i = at + 1; i < lines.length && lines[i]!.startsWith(' '.repeat(indent + 2)); i++) text += ` ${lines[i]!.trim()}`;
  return text;
}

/** Columns a line takes: one per code point (block elements, arrows and × included). */
const width = (line: string): number => [...line].length;

describe('teardown triage', () => {
  for (const file of captures) {
    it(`fits COLUMNS 40, 80, 120 and 200: ${file.split('/').at(-1)}`, async () => {
      const widths = [40, 80, 120, 200];
      const runs = await Promise.all(widths.map((columns) => teardown(['triage', file], { env: environment(columns) })));
      for (const [n, columns] of widths.entries()) {
        const run = runs[n]!;
        expect(run.code).toBe(0);
        const lines = run.stdout.trimEnd().split('\n');
        const wide = lines.filter((l) => width(l) > columns);
        expect(wide).toEqual([]);
        // The sparklines use the room there is (a 40-column terminal shortens them), up to 60 columns.
        const sparklines = lines.filter((l) => /^ {2}\|.*\|$/.test(l));
        expect(sparklines.length).toBeGreaterThan(0);
        expect(Math.max(...sparklines.map(width))).toBeLessThanOrEqual(Math.min(columns, 64));
        expect(unwrapped(lines, lines.findIndex((l) => l.startsWith('each sparkline column')))).toMatch(/^each sparkline column = \d+ (ms|s|min|h|days?), from \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/);
      }
    });
  }

  it('leaves lines whole for a pipe without COLUMNS: every sentence on one line', async () => {
    for (const file of captures) {
      const [text, json] = await Promise.all([teardown(['triage', file], { env: environment() }), teardown(['triage', file, '--format', 'json'], { env: environment() })]);
      expect([text.code, json.code]).toEqual([0, 0]);
      const t = JSON.parse(json.stdout) as Triage & { file: string };
      const lines = text.stdout.split('\n');
      const named = t.groups.filter((g) => g.kind !== 'others').length;
      const others = t.groups.filter((g) => g.kind === 'others').reduce((n, g) => n + g.connections, 0);
      const grouped = named === 0 ? 'none in a group of its kind' : `in ${named} groups?${others === 0 ? '' : ` and ${others} others?`}`;
      expect(lines[0]).toMatch(new RegExp(`^${file.replaceAll('.', '\\.')}: ${t.problems} problem connections? of ${t.connections}, ${grouped}, from .* to .* UTC$`));
      for (const g of t.groups) {
        expect(lines).toContain(g.title);
        expect(lines).toContain(`  ${g.pattern}`);
        expect(lines).toContain(`  |${g.sparkline}|`);
      }
      expect(Math.max(...lines.map(width))).toBeGreaterThan(120);
    }
  });

  it('gives the groups as one JSON document with their kind and key numbers', async () => {
    const run = await teardown(['triage', MIXED, '--format', 'json'], { env: environment(80) });
    const t = JSON.parse(run.stdout) as Triage & { file: string };
    expect(t.file).toBe(MIXED);
    expect(t.columns).toMatchObject({ count: expect.any(Number), width: expect.any(Number), from: expect.any(Number) });
    // COLUMNS narrows the text's sparklines, not the data's.
    expect(t.columns!.count).toBe(t.groups[0]!.sparkline.length);
    for (const g of t.groups) {
      expect(Object.keys(g)).toEqual(expect.arrayContaining(['kind', 'title', 'pattern', 'connections', 'clients', 'hosts', 'ports', 'endpoints', 'problems', 'from', 'to', 'sparkline', 'streams']));
      expect(g.problems.reduce((n, p) => n + p.connections, 0)).toBe(g.connections);
    }
  });
});
