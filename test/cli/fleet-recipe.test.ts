import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { duckdb, query, teardownTo, type Result } from '../helpers/duckdb.js';
import { REPO } from '../helpers/paths.js';

/**
 * The README's DuckDB recipe ("Captures larger than one machine"), run as written: its
 * commands, its views and its queries are read out of README.md, so the text people
 * copy is the text tested, and each answer printed under a query is checked against
 * what DuckDB answers on both the NDJSON and the Parquet file.
 */
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const SECTION = (() => {
  const start = README.indexOf('\n## Captures larger than one machine\n');
  return README.slice(start, README.indexOf('\n## ', start + 1));
})();

interface Block {
  lang: string;
  text: string;
}
const BLOCKS: Block[] = [...SECTION.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, text: m[2]! }));

/** `teardown ARGS > FILE` lines of the first shell block. */
const COMMANDS = BLOCKS.find((b) => b.lang === 'sh')!
  .text.split('\n')
  .flatMap((line) => {
    const m = /^teardown (.+) > (\S+)$/.exec(line);
    return m === null ? [] : [{ args: m[1]!.split(' '), out: m[2]! }];
  });

/** The views, one per format: `CREATE VIEW lab AS FROM read_parquet('lab.parquet');`. */
const VIEWS = BLOCKS.filter((b) => b.lang === 'sql' && b.text.startsWith('CREATE VIEW')).flatMap((b) => b.text.split('\n').filter((l) => l.startsWith('CREATE VIEW')));

/** Every other SQL block with the answer printed under it. */
const QUERIES = BLOCKS.flatMap((b, i) => (b.lang === 'sql' && !b.text.startsWith('CREATE VIEW') ? [{ sql: b.text, answer: BLOCKS[i + 1]?.lang === 'text' ? BLOCKS[i + 1]!.text : null }] : []));

/** A shell glob as the README uses it, `dir/*.ext`, expanded in the repository. */
function expand(arg: string): string[] {
  if (!arg.includes('*')) return [arg];
  const m = /^(.+)\/\*(\.[\w.]+)$/.exec(arg);
  if (m === null) throw new Error(`a glob this test does not expand: ${arg}`);
  return readdirSync(join(REPO, m[1]!))
    .filter((f) => f.endsWith(m[2]!))
    .sort()
    .map((f) => `${m[1]}/${f}`);
}

/** A result as the README prints it: a header, then a line per row, columns two spaces apart, numbers right-aligned. */
function render({ columns, types, rows }: Result): string {
  const cells = [columns, ...rows.map((r) => columns.map((c) => (r[c] === null ? 'NULL' : String(r[c]))))];
  const numeric = types.map((t) => /^(BIGINT|INTEGER|HUGEINT|DOUBLE)$/.test(t));
  const widths = columns.map((_c, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd() + '\n').join('');
}

describe("README's fleet recipe", () => {
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'teardown-fleet-'));
    for (const { args, out } of COMMANDS) {
      const ran = await teardownTo(join(dir, out), args.flatMap(expand));
      expect(ran, `teardown ${args.join(' ')}`).toEqual({ code: 0, stderr: '' });
    }
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is read whole: both formats made, a view over each, queries each with its answer', () => {
    expect(COMMANDS.map((c) => [c.args[0], c.args[1], c.out])).toEqual([
      ['--format', 'ndjson', 'lab.ndjson'],
      ['--format', 'parquet', 'lab.parquet'],
    ]);
    // The same captures for both, so the same answers.
    expect(COMMANDS[1]!.args.slice(2)).toEqual(COMMANDS[0]!.args.slice(2));
    // A view over each file the commands wrote.
    expect(VIEWS).toEqual(["CREATE VIEW lab AS FROM read_json_auto('lab.ndjson');", "CREATE VIEW lab AS FROM read_parquet('lab.parquet');"]);
    expect(QUERIES.length).toBeGreaterThanOrEqual(4);
    for (const q of QUERIES) expect(q.answer, q.sql).not.toBeNull();
  });

  it('gets the answers printed under the queries, the same from the NDJSON and the Parquet file', async () => {
    const answers: string[][] = [];
    for (const view of VIEWS) {
      const db = await duckdb();
      // The README's relative file names, found where this test wrote them.
      await db.run(`SET file_search_path = '${dir}'`);
      await db.run(view);
      const rendered: string[] = [];
      for (const { sql } of QUERIES) rendered.push(render(await query(db, sql)));
      answers.push(rendered);
    }
    expect(answers[1], 'Parquet against NDJSON').toEqual(answers[0]);
    QUERIES.forEach(({ sql, answer }, i) => {
      const got = answers[0]![i]!;
      expect.soft(got, `README's answer to\n${sql}\nis not DuckDB's; DuckDB answers:\n${got}`).toBe(answer);
    });
  });
});
