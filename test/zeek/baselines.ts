import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { trackCapture } from '../../src/track/track-capture.js';
import { ZeekConnTracker, type ZeekConnRow } from '../../src/zeek/conn-log.js';
import type { ZeekParams } from '../../src/zeek/params.js';
import { HAS_ZEEK, ZEEK_DIR } from '../helpers/paths.js';

export { HAS_ZEEK, ZEEK_DIR };

/** The columns compared, in conn.log's names. */
export const COMPARED = [
  'id.orig_h',
  'id.orig_p',
  'id.resp_h',
  'id.resp_p',
  'duration',
  'orig_bytes',
  'resp_bytes',
  'conn_state',
  'missed_bytes',
  'history',
  'orig_pkts',
  'orig_ip_bytes',
  'resp_pkts',
  'resp_ip_bytes',
  'tunnel_parents',
] as const;

export interface Trace {
  id: string;
  capture: string;
  baseline: string;
  /** The Zeek command line the baseline came from (`-C`: checksums not checked). */
  command: string;
}

export function traces(): Trace[] {
  const lines = readFileSync(join(ZEEK_DIR, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const head = lines[0]!.split('\t');
  const col = (name: string): number => head.indexOf(name);
  return lines.slice(1).map((line) => {
    const c = line.split('\t');
    return { id: c[col('id')]!, capture: join(ZEEK_DIR, c[col('trace_file')]!), baseline: join(ZEEK_DIR, c[col('baseline_file')]!), command: c[col('zeek_cmd')]! };
  });
}

/** A baseline's TCP rows as field -> text (001-004 give only history and conn_state). */
export function baselineRows(path: string): Record<string, string>[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
  const fieldsLine = lines.find((l) => l.startsWith('#fields\t'));
  const fields = fieldsLine !== undefined ? fieldsLine.split('\t').slice(1) : lines.find((l) => !l.startsWith('#'))!.split('\t');
  const data = lines.filter((l) => !l.startsWith('#')).slice(fieldsLine !== undefined ? 0 : 1);
  return data
    .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i]!, v])))
    .filter((r) => r['proto'] === 'tcp');
}

/** Our row as conn.log text, for the compared columns. */
export function rowText(r: ZeekConnRow): Record<string, string> {
  const n = (v: number | null): string => (v === null ? '-' : String(v));
  return {
    'id.orig_h': r.origH,
    'id.orig_p': String(r.origP),
    'id.resp_h': r.respH,
    'id.resp_p': String(r.respP),
    duration: r.duration === null ? '-' : r.duration.toFixed(6),
    orig_bytes: n(r.origBytes),
    resp_bytes: n(r.respBytes),
    conn_state: r.connState,
    missed_bytes: String(r.missedBytes),
    history: r.history === '' ? '-' : r.history,
    orig_pkts: String(r.origPkts),
    orig_ip_bytes: String(r.origIpBytes),
    resp_pkts: String(r.respPkts),
    resp_ip_bytes: String(r.respIpBytes),
    tunnel_parents: r.tunnelled ? 'set' : '-',
  };
}

/** Runs the capture through trackCapture with the tracker fed by onSegment. */
export async function zeekRows(capture: string, params: Partial<ZeekParams> = {}): Promise<ZeekConnRow[]> {
  const rows: ZeekConnRow[] = [];
  const tracker = new ZeekConnTracker((r) => rows.push(r), params);
  await trackCapture(capture, () => {}, { onSegment: (rec, decoder, stream) => tracker.segment(rec, decoder, stream) });
  tracker.finish();
  return rows;
}

const tuple = (r: Record<string, string>): string => `${r['id.orig_h']}:${r['id.orig_p']} > ${r['id.resp_h']}:${r['id.resp_p']}`;
const line = (r: Record<string, string>, fields: readonly string[]): string => fields.map((f) => `${f}=${f === 'tunnel_parents' ? (r[f] === '-' ? '-' : 'set') : r[f]}`).join(' ');

/**
 * Differences between Zeek's rows and ours, as readable lines (empty: equal). Rows are
 * paired by 4-tuple and order (the k-th row of a 4-tuple with the k-th); without a
 * 4-tuple in the baseline (001-004), by order. Then the order of all TCP rows.
 */
export function diffRows(expected: Record<string, string>[], ours: ZeekConnRow[]): string[] {
  const got = ours.map(rowText);
  const fields = COMPARED.filter((f) => expected.length === 0 || f in expected[0]!);
  const out: string[] = [];
  if (!('id.orig_h' in (expected[0] ?? {}))) {
    const n = Math.max(expected.length, got.length);
    for (let i = 0; i < n; i++) {
      const e = expected[i];
      const g = got[i];
      if (e === undefined || g === undefined || fields.some((f) => e[f] !== g[f])) out.push(`row ${i}: zeek ${e ? line(e, fields) : '(none)'}\n        ours ${g ? line(g, fields) : '(none)'}`);
    }
    return out;
  }
  const byTuple = (rows: Record<string, string>[]): Map<string, Record<string, string>[]> => {
    const m = new Map<string, Record<string, string>[]>();
    for (const r of rows) m.set(tuple(r), [...(m.get(tuple(r)) ?? []), r]);
    return m;
  };
  const e = byTuple(expected);
  const g = byTuple(got);
  for (const key of new Set([...e.keys(), ...g.keys()])) {
    const es = e.get(key) ?? [];
    const gs = g.get(key) ?? [];
    for (let i = 0; i < Math.max(es.length, gs.length); i++) {
      const a = es[i];
      const b = gs[i];
      const bad = a === undefined || b === undefined ? fields : fields.filter((f) => (f === 'tunnel_parents' ? (a[f] === '-') !== (b[f] === '-') : a[f] !== b[f]));
      if (bad.length !== 0) out.push(`${key} #${i} differs in ${bad.join(', ')}\n  zeek ${a ? line(a, fields) : '(no row)'}\n  ours ${b ? line(b, fields) : '(no row)'}`);
    }
  }
  const order = (rows: Record<string, string>[]): string => rows.map(tuple).join('\n');
  if (out.length === 0 && order(expected) !== order(got)) out.push(`row order differs:\n zeek:\n${order(expected)}\n ours:\n${order(got)}`);
  return out;
}
