import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { teardown } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';
import { baselineRows, COMPARED, HAS_ZEEK, traces } from '../zeek/baselines.js';

/** conn.log text as rows of named fields (the #fields header names them). */
function logRows(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter((l) => l !== '');
  const fields = lines.find((l) => l.startsWith('#fields\t'))!.split('\t').slice(1);
  return lines.filter((l) => !l.startsWith('#')).map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i]!, v])));
}

/**
 * The compared columns the baseline has (001-004 give only history and conn_state) of
 * each row, sorted: the log's order is the order rows complete.
 */
const compared = (rows: Record<string, string>[], fields: readonly string[]): string[] =>
  rows.map((r) => fields.map((f) => `${f}=${f === 'tunnel_parents' ? (r[f] === '-' ? '-' : 'set') : r[f]}`).join(' ')).sort();

describe.skipIf(!HAS_ZEEK)('analyze --format zeek on Zeek\'s own traces', () => {
  for (const trace of HAS_ZEEK ? traces() : []) {
    it(`${trace.id}: the rows Zeek wrote`, async () => {
      const run = await teardown(['analyze', '--format', 'zeek', trace.capture]);
      expect(run.code).toBe(0);
      const expected = baselineRows(trace.baseline);
      const fields = COMPARED.filter((f) => f in expected[0]!);
      expect(compared(logRows(run.stdout), fields)).toEqual(compared(expected, fields));
    });
  }
});

describe('analyze --format zeek and zeek-json', () => {
  const capture = join(REPO, 'fixtures', 'lab', 'server-killed-client-writes.pcap');

  it("writes Zeek's ASCII header, then rows with the connection's ending from the JSON report", async () => {
    const [log, json] = await Promise.all([teardown(['--format', 'zeek', capture]), teardown(['--format', 'json', capture])]);
    expect(log.code).toBe(0);
    const lines = log.stdout.trim().split('\n');
    expect(lines.slice(0, 5)).toEqual(['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tconn']);
    expect(lines[5]).toMatch(/^#open\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/);
    expect(lines.at(-1)).toMatch(/^#close\t\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/);
    const types = lines.find((l) => l.startsWith('#types\t'))!.split('\t');
    const fields = lines.find((l) => l.startsWith('#fields\t'))!.split('\t');
    expect(types.length).toBe(fields.length);
    const [row] = logRows(log.stdout);
    const [report] = JSON.parse(json.stdout).connections;
    expect(row).toMatchObject({
      'id.orig_h': report.client.ip,
      'id.orig_p': String(report.client.port),
      'id.resp_h': report.server.ip,
      'id.resp_p': String(report.server.port),
      proto: 'tcp',
      service: '-',
      local_orig: 'T',
      local_resp: 'T',
      teardown_ending: report.ending,
      teardown_detail: report.detail,
      teardown_closer: report.closer,
      community_id: report.communityId,
    });
    // The client wrote after the server's FIN, and the server's host answered with RST: Zeek's RSTR.
    expect(row!.conn_state).toBe('RSTR');
    expect(row!.uid).toMatch(/^C[0-9A-Za-z]{1,17}$/);
  });

  it('is the same on every run, and zeek-json holds the same rows with unset fields left out', async () => {
    const [a, b, j] = await Promise.all([
      teardown(['--format', 'zeek', join(REPO, 'fixtures', 'demo.pcap')]),
      teardown(['--format', 'zeek', join(REPO, 'fixtures', 'demo.pcap')]),
      teardown(['--format', 'zeek-json', join(REPO, 'fixtures', 'demo.pcap')]),
    ]);
    expect(a.stdout).toBe(b.stdout);
    const rows = logRows(a.stdout);
    expect(rows.length).toBeGreaterThan(20);
    const objects = j.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(objects.length).toBe(rows.length);
    objects.forEach((o, i) => {
      const r = rows[i]!;
      expect(o.uid).toBe(r.uid);
      expect(o['id.resp_p']).toBe(Number(r['id.resp_p']));
      expect(o.ts).toBeCloseTo(Number(r.ts), 6);
      expect(o.local_orig).toBe(r.local_orig === 'T');
      expect('service' in o).toBe(false);
      if (r.duration === '-') expect('duration' in o).toBe(false);
      expect(o.history).toBe(r.history);
    });
  });

  it('refuses the filters and --sort: Zeek writes every row', async () => {
    for (const extra of [['--ending', 'reset'], ['--problems'], ['--port', '80'], ['--sort', 'problems']]) {
      const run = await teardown(['--format', 'zeek', ...extra, capture]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/--format zeek writes/);
    }
  });
});
