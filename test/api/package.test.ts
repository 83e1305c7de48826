import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/paths.js';

describe('the published package (npm pack)', () => {
  const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8' })) as { files: { path: string }[] }[];
  const files = listing[0]!.files.map((f) => f.path);
  const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { bin: Record<string, string>; main: string; types: string };

  it('holds the built code, its docs and README, and nothing of the tests', () => {
    expect(files.filter((f) => !/^(dist\/src\/|docs\/[^/]+\.(md|png)$|README\.md$|package\.json$|LICENSE)/.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(test|tests|__tests__|fixtures)\/|\.test\.|\.junit\.xml$|\.pcap/i.test(f))).toEqual([]);
  });

  it('holds what its entry points name', () => {
    for (const entry of [...Object.values(manifest.bin), manifest.main, manifest.types]) expect(files).toContain(entry.replace(/^\.\//, ''));
  });

  it('has docs that point only at files it holds, or at the web', () => {
    for (const doc of files.filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(REPO, doc), 'utf8');
      expect(text, doc).not.toMatch(/\.\.\/shared|shared\/(spec|corpus|zeek)|\bissue #?\d+|closing note/i);
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        const resolved = join(doc, '..', target!).replace(/^\.\//, '');
        expect(files, `${doc} links to ${target}`).toContain(resolved);
      }
    }
  });
});

describe('docs/endings.md', () => {
  it('names every ending and every detail the diagnosis gives', async () => {
    const { DETAILS, ENDINGS } = await import('../../src/diagnosis/types.js');
    const text = readFileSync(join(REPO, 'docs', 'endings.md'), 'utf8');
    for (const ending of ENDINGS) {
      expect(text, ending).toContain(`\`${ending}\``);
      for (const detail of DETAILS[ending]) expect(text, `${ending}: ${detail}`).toContain(`\`${detail}\``);
    }
  });
});

describe('docs/output.md', () => {
  it('lists the CSV columns in the order they are written', async () => {
    const { CSV_COLUMNS } = await import('../../src/sinks/csv-row.js');
    const csv = readFileSync(join(REPO, 'docs', 'output.md'), 'utf8').split('## CSV')[1]!.split('##')[0]!;
    const named = [...csv.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]).filter((n) => (CSV_COLUMNS as readonly string[]).includes(n!));
    expect(named).toEqual([...CSV_COLUMNS]);
  });
});
