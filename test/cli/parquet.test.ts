import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repeatCapture } from '../bench/repeat-capture.js';
import { teardown, teardownInTerminal } from '../helpers/cli.js';
import { duckdb, Micros, query, teardownTo, type Plain } from '../helpers/duckdb.js';
import { REPO } from '../helpers/paths.js';

/**
 * The columns of `--format parquet` and their types as DuckDB reads them
 * (docs/output.md "Parquet"), in order: typed in the file, so no engine guesses.
 */
const COLUMNS: Record<string, string> = {
  file: 'VARCHAR',
  stream: 'BIGINT',
  client: 'STRUCT(ip VARCHAR, port INTEGER)',
  server: 'STRUCT(ip VARCHAR, port INTEGER)',
  tunnel: 'STRUCT(kind VARCHAR, id BIGINT, "outer" STRUCT(src VARCHAR, dst VARCHAR))[]',
  roleGuessed: 'BOOLEAN',
  firstFrame: 'BIGINT',
  lastFrame: 'BIGINT',
  start: 'TIMESTAMP WITH TIME ZONE',
  end: 'TIMESTAMP WITH TIME ZONE',
  packets: 'STRUCT(client BIGINT, "server" BIGINT)',
  bytes: 'STRUCT(client BIGINT, "server" BIGINT)',
  flags: 'VARCHAR[]',
  timeline:
    'STRUCT(client STRUCT("time" TIMESTAMP WITH TIME ZONE, frame BIGINT, state VARCHAR, cause VARCHAR, inferred BOOLEAN)[], ' +
    '"server" STRUCT("time" TIMESTAMP WITH TIME ZONE, frame BIGINT, state VARCHAR, cause VARCHAR, inferred BOOLEAN)[])',
  history: 'VARCHAR',
  established: 'BOOLEAN',
  communityId: 'VARCHAR',
  reportedBecause: 'VARCHAR',
  reportedAt: 'TIMESTAMP WITH TIME ZONE',
  ending: 'VARCHAR',
  detail: 'VARCHAR',
  closer: 'VARCHAR',
  evidence: 'BIGINT[]',
  apps: 'STRUCT(client VARCHAR, "server" VARCHAR)',
  explanation: 'VARCHAR',
  zeek: 'STRUCT(connState VARCHAR, history VARCHAR)',
  filter: 'VARCHAR',
};

/** Relative to the repository, as a user names them there (and so as `file` says). */
const captures = (dir: string): string[] =>
  readdirSync(join(REPO, dir))
    .filter((f) => /\.pcap(ng)?$/.test(f))
    .sort()
    .map((f) => `${dir}/${f}`);
/** Every lab capture (microsecond and nanosecond pcap, pcapng, SLL2), and captures with every kind of tunnel. */
const CAPTURES = [...captures('fixtures/lab'), ...captures('fixtures/tunnel'), ...captures('fixtures/encapsulated')];

/**
 * Where a Parquet value differs from the NDJSON value it stands for, by path. A
 * timestamp must be the NDJSON seconds rounded to the nearest microsecond (at these
 * magnitudes seconds × 10⁶ in doubles is a multiple of a quarter, so the bound is exact).
 */
function differences(actual: Plain, expected: unknown, path: string): string[] {
  const differ = [`${path}: parquet ${show(actual)}, ndjson ${JSON.stringify(expected)}`];
  if (actual instanceof Micros) return typeof expected === 'number' && Math.abs(Number(actual.micros) - expected * 1e6) <= 0.5 ? [] : differ;
  if (typeof actual === 'bigint') return typeof expected === 'number' && Number.isInteger(expected) && BigInt(expected) === actual ? [] : differ;
  if (Array.isArray(actual)) {
    if (!Array.isArray(expected) || expected.length !== actual.length) return differ;
    return actual.flatMap((a, i) => differences(a, expected[i], `${path}[${i}]`));
  }
  if (actual !== null && typeof actual === 'object') {
    if (expected === null || typeof expected !== 'object') return differ;
    const keys = Object.keys(actual);
    if (JSON.stringify(keys) !== JSON.stringify(Object.keys(expected))) return [`${path}: parquet fields ${keys.join(',')}, ndjson ${Object.keys(expected).join(',')}`];
    return keys.flatMap((k) => differences(actual[k]!, (expected as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return actual === expected ? [] : differ;
}

function show(v: Plain): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Micros ? `${x.micros}µs` : x));
}

describe('teardown analyze --format parquet', () => {
  let dir: string;
  let parquet: string;
  let ndjson: Record<string, unknown>[];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'teardown-parquet-'));
    parquet = join(dir, 'all.parquet');
    const ran = await teardownTo(parquet, ['analyze', '--format', 'parquet', '--quiet', ...CAPTURES]);
    expect(ran).toEqual({ code: 0, stderr: '' });
    const lines = await teardownTo(join(dir, 'all.ndjson'), ['analyze', '--format', 'ndjson', '--quiet', ...CAPTURES]);
    expect(lines.code).toBe(0);
    ndjson = readFileSync(join(dir, 'all.ndjson'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has the declared columns, typed, with times in microseconds adjusted to UTC', async () => {
    const db = await duckdb();
    const described = await query(db, `DESCRIBE SELECT * FROM read_parquet('${parquet}')`);
    expect(Object.fromEntries(described.rows.map((r) => [r.column_name, r.column_type]))).toEqual(COLUMNS);
    expect(described.rows.map((r) => r.column_name)).toEqual(Object.keys(COLUMNS));
    const times = await query(db, `SELECT name, converted_type, logical_type FROM parquet_schema('${parquet}') WHERE duckdb_type = 'TIMESTAMP WITH TIME ZONE'`);
    expect(times.rows.map((r) => r.name)).toEqual(['start', 'end', 'time', 'time', 'reportedAt']);
    for (const r of times.rows) {
      expect(r.converted_type).toBe('TIMESTAMP_MICROS');
      expect(r.logical_type).toMatch(/^TimestampType\(isAdjustedToUTC=1, .*MICROS=MicroSeconds\(\)/);
    }
  });

  it('holds the NDJSON report of every connection: every column, every row, in order, the timelines and tunnels too', async () => {
    const db = await duckdb();
    const { rows } = await query(db, `SELECT * FROM read_parquet('${parquet}')`);
    expect(rows.length).toBe(ndjson.length);
    expect(ndjson.length).toBeGreaterThan(300);
    const found = rows.flatMap((row, i) => Object.keys(COLUMNS).flatMap((name) => differences(row[name]!, ndjson[i]![name], `row ${i} (${String(ndjson[i]!.file)} stream ${String(ndjson[i]!.stream)}) ${name}`)));
    expect(found.slice(0, 20)).toEqual([]);
    // The comparison had every kind of value to compare.
    const all = (name: string) => ndjson.map((c) => c[name]);
    expect(all('detail')).toContain(null);
    expect(all('closer')).toContain(null);
    expect(all('tunnel').flat().map((t) => (t as { id: number | null }).id)).toEqual(expect.arrayContaining([null, 42]));
    expect(all('flags').flat().length).toBeGreaterThan(0);
    const steps = all('timeline').flatMap((t) => Object.values(t as Record<string, { frame: number | null }[]>).flat());
    expect(steps.map((s) => s.frame)).toContain(null);
  });

  it('is the same file with --jobs 2, which reads each worker\'s NDJSON back into it', async () => {
    const jobs = join(dir, 'jobs.parquet');
    expect(await teardownTo(jobs, ['analyze', '--format', 'parquet', '--quiet', '--jobs', '2', ...CAPTURES])).toEqual({ code: 0, stderr: '' });
    expect(readFileSync(jobs).equals(readFileSync(parquet))).toBe(true);
  });

  it('writes a row group of 10,000 rows as soon as it is full, and the rest at the end', async () => {
    const many = join(dir, 'many.pcap');
    // 35 copies of 300 connections, two hours apart (see repeatCapture).
    await repeatCapture(join(REPO, 'fixtures', 'lab', 'mixed.pcap'), many, 35, 7200);
    const out = join(dir, 'many.parquet');
    expect(await teardownTo(out, ['analyze', '--format', 'parquet', '--quiet', many])).toEqual({ code: 0, stderr: '' });
    const db = await duckdb();
    const groups = await query(db, `SELECT row_group_id, any_value(row_group_num_rows) AS num_rows FROM parquet_metadata('${out}') GROUP BY ALL ORDER BY row_group_id`);
    expect(groups.rows.map((g) => g.num_rows)).toEqual([10000n, 500n]);
    const streams = await query(db, `SELECT count(*) AS n, count(DISTINCT stream) AS streams, max(stream) AS last FROM read_parquet('${out}')`);
    expect(streams.rows).toEqual([{ n: 10500n, streams: 10500n, last: 10499n }]);
  });

  it('is a valid file with no rows when no connection matches', async () => {
    const out = join(dir, 'none.parquet');
    const ran = await teardownTo(out, ['analyze', '--format', 'parquet', '--ending', 'refused', 'fixtures/lab/client-closes-first.pcap']);
    expect(ran.code).toBe(0);
    const db = await duckdb();
    expect((await query(db, `SELECT count(*) AS n FROM read_parquet('${out}')`)).rows).toEqual([{ n: 0n }]);
    expect((await query(db, `DESCRIBE SELECT * FROM read_parquet('${out}')`)).rows.map((r) => r.column_type)).toEqual(Object.values(COLUMNS));
  });

  it('refuses a terminal for stdout, and --sort, before reading anything', async () => {
    const terminal = await teardownInTerminal(100, ['analyze', '--format', 'parquet', join(REPO, 'fixtures', 'demo.pcap')]);
    expect([terminal.code, terminal.stdout.trim()]).toEqual([2, 'teardown: --format parquet writes binary: redirect it to a file']);
    const sorted = await teardown(['analyze', '--format', 'parquet', '--sort', 'problems', join(REPO, 'fixtures', 'demo.pcap')]);
    expect([sorted.code, sorted.stdout, sorted.stderr]).toEqual([2, '', 'teardown: --format parquet writes rows in capture order: sort in the query (ORDER BY)\n']);
  });
});
