import type { ConnectionReport } from '../../diagnosis/report.js';
import { ENDINGS, type Ending } from '../../diagnosis/types.js';
import { isProblem } from '../../pipeline/filter.js';
import { QuietSink, type FileEnd } from '../../pipeline/sink.js';
import { formatEndpoint } from '../../track/report.js';
import { TriageSink } from '../triage-sink.js';

/**
 * What the HTML report shows, gathered as connections stream by. Its size does not grow
 * with the capture: counts over time, per server and per service, two histograms, and
 * full detail for at most `detail` connections (problems first, then a sample of the
 * others), said on the page.
 */
export interface ReportModel {
  files: FileSummary[];
  /** First and last packet over every file (seconds since the epoch), null without packets. */
  first: number | null;
  last: number | null;
  connections: number;
  byEnding: Record<Ending, number>;
  overTime: { bucketSeconds: number; buckets: Array<{ start: number; byEnding: Partial<Record<Ending, number>> }> };
  /** Problem connections per server (address:port) and per service (server port), the most first. */
  byServer: Array<{ key: string; byEnding: Partial<Record<Ending, number>>; total: number }>;
  byService: Array<{ key: string; byEnding: Partial<Record<Ending, number>>; total: number }>;
  /** Histograms: `bins` are upper edges in seconds (the last is open). */
  durations: { bins: number[]; byEnding: Partial<Record<Ending, number[]>> };
  /** From a connection's last data to its first FIN or ending RST, by who sent it and which. */
  closeDelay: { bins: number[]; series: Record<CloseKind, number[]> };
  rows: ReportRow[];
  problems: number;
  detailedProblems: number;
  others: number;
  sampledOthers: number;
}

export type CloseKind = 'client FIN' | 'server FIN' | 'client RST' | 'server RST';
const CLOSE_KINDS: readonly CloseKind[] = ['client FIN', 'server FIN', 'client RST', 'server RST'];

export interface FileSummary {
  name: string;
  connections: number;
  first: number | null;
  last: number | null;
  warnings: string[];
  /** Why the read stopped before the end (a damaged capture), or null. */
  failure: Error | null;
  /** The triage in words (its text form). */
  triage: string;
}

/** A connection kept for the table and its own section. */
export interface ReportRow {
  /** Index into files. */
  file: number;
  report: ConnectionReport;
  problem: boolean;
}

/** Bin edges, seconds: 1 ms to 1 h by factors of about 3, then everything longer. */
const BINS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 60, 120, 300, 600, 1800, 3600, Infinity];
/** Servers and services charted. */
const TOP = 15;
/** Keys counted per server or service; past it, the rest count as "other" (a scan of a /16 stays small). */
const MAX_KEYS = 10000;
/** Per-second buckets kept before they are merged into minutes. */
const MAX_SECONDS = 7200;

export interface ReportLimits {
  /** Connections given full detail: problems first, then a sample of the rest. */
  detail: number;
}

export class ReportCollector extends QuietSink {
  private readonly files: FileSummary[] = [];
  private current: { triage: TriageSink; connections: number; first: number | null; last: number | null } | null = null;
  private first: number | null = null;
  private last: number | null = null;
  private readonly byEnding = Object.fromEntries(ENDINGS.map((e) => [e, 0])) as Record<Ending, number>;
  private readonly perSecond = new Map<number, Partial<Record<Ending, number>>>();
  private bucketSeconds = 1;
  private readonly servers = new Map<string, Partial<Record<Ending, number>>>();
  private readonly services = new Map<string, Partial<Record<Ending, number>>>();
  private readonly durations: Partial<Record<Ending, number[]>> = {};
  private readonly closeDelay = Object.fromEntries(CLOSE_KINDS.map((k) => [k, BINS.map(() => 0)])) as Record<CloseKind, number[]>;
  private readonly problemRows: ReportRow[] = [];
  private readonly otherRows: ReportRow[] = [];
  private problems = 0;
  private others = 0;
  /** The sample of the others: reservoir sampling with a fixed seed, so a report is the same each time. */
  private random = 0x9e3779b9;

  constructor(private readonly limits: ReportLimits) {
    super();
  }

  connection(c: ConnectionReport): void {
    if (this.current === null) this.current = { triage: new TriageSink(), connections: 0, first: null, last: null };
    const file = this.current;
    file.triage.connection(c);
    file.connections++;
    this.byEnding[c.ending]++;
    this.span(c.start, c.end);
    if (file.first === null || c.start < file.first) file.first = c.start;
    if (file.last === null || c.end > file.last) file.last = c.end;
    this.count(c);
    const row: ReportRow = { file: this.files.length, report: c, problem: isProblem(c) };
    if (row.problem) {
      this.problems++;
      if (this.problemRows.length < this.limits.detail) this.problemRows.push(row);
    } else this.sample(row);
  }

  override async fileEnd(name: string, end: FileEnd): Promise<void> {
    const file = this.current ?? { triage: new TriageSink(), connections: 0, first: null, last: null };
    this.current = null;
    this.files.push({
      name,
      connections: file.connections,
      first: end.firstPacket ?? file.first,
      last: file.last,
      warnings: end.warnings,
      failure: end.failure,
      triage: file.connections === 0 ? 'No TCP connection in this capture.' : file.triage.render(name, 'text', 100),
    });
  }

  result(): ReportModel {
    const rank = (m: Map<string, Partial<Record<Ending, number>>>) =>
      [...m]
        .map(([key, byEnding]) => ({ key, byEnding, total: Object.values(byEnding).reduce((a, b) => a + (b ?? 0), 0) }))
        .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key))
        .slice(0, TOP);
    const buckets = [...this.perSecond].sort((a, b) => a[0] - b[0]).map(([start, byEnding]) => ({ start, byEnding }));
    // The others were sampled in the order they came; the table shows them in capture order.
    const byStream = (a: ReportRow, b: ReportRow) => a.file - b.file || a.report.stream - b.report.stream;
    return {
      files: this.files,
      first: this.first,
      last: this.last,
      connections: this.problems + this.others,
      byEnding: this.byEnding,
      overTime: { bucketSeconds: this.bucketSeconds, buckets },
      byServer: rank(this.servers),
      byService: rank(this.services),
      durations: { bins: BINS, byEnding: this.durations },
      closeDelay: { bins: BINS, series: this.closeDelay },
      rows: [...this.problemRows, ...this.otherRows].sort(byStream),
      problems: this.problems,
      detailedProblems: this.problemRows.length,
      others: this.others,
      sampledOthers: this.otherRows.length,
    };
  }

  private span(start: number, end: number): void {
    if (this.first === null || start < this.first) this.first = start;
    if (this.last === null || end > this.last) this.last = end;
  }

  private count(c: ConnectionReport): void {
    const add = (m: Map<string, Partial<Record<Ending, number>>>, key: string): void => {
      const counts = m.get(key) ?? (m.size < MAX_KEYS ? {} : (m.get('other') ?? {}));
      counts[c.ending] = (counts[c.ending] ?? 0) + 1;
      m.set(m.has(key) || m.size < MAX_KEYS ? key : 'other', counts);
    };
    if (isProblem(c)) {
      add(this.servers, formatEndpoint(c.server));
      add(this.services, `port ${c.server.port}`);
    }
    const bucket = Math.floor(c.start / this.bucketSeconds) * this.bucketSeconds;
    const counts = this.perSecond.get(bucket) ?? {};
    counts[c.ending] = (counts[c.ending] ?? 0) + 1;
    this.perSecond.set(bucket, counts);
    if (this.perSecond.size > MAX_SECONDS) this.coarsen();
    (this.durations[c.ending] ??= BINS.map(() => 0))[binOf(c.end - c.start)]!++;
    const delay = closeDelay(c);
    if (delay !== null) this.closeDelay[delay.kind][binOf(delay.seconds)]!++;
  }

  /** Buckets sixty times wider (seconds to minutes, minutes to hours), merged. */
  private coarsen(): void {
    const wider = this.bucketSeconds * 60;
    const merged = new Map<number, Partial<Record<Ending, number>>>();
    for (const [start, counts] of this.perSecond) {
      const key = Math.floor(start / wider) * wider;
      const into = merged.get(key) ?? {};
      for (const [e, n] of Object.entries(counts) as Array<[Ending, number]>) into[e] = (into[e] ?? 0) + n;
      merged.set(key, into);
    }
    this.perSecond.clear();
    for (const [k, v] of merged) this.perSecond.set(k, v);
    this.bucketSeconds = wider;
  }

  private sample(row: ReportRow): void {
    this.others++;
    // Algorithm R: the k-th other replaces a kept one with probability room / k.
    const room = Math.max(1, Math.floor(this.limits.detail / 10));
    if (this.otherRows.length < room) {
      this.otherRows.push(row);
      return;
    }
    this.random = (Math.imul(this.random ^ (this.random >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    const slot = this.random % this.others;
    if (slot < room) this.otherRows[slot] = row;
  }
}

function binOf(seconds: number): number {
  return BINS.findIndex((edge) => seconds <= edge);
}

/**
 * How soon after the last data the connection was closed, and how: the first FIN, or
 * the RST that ended it, whichever came first. Null without data or without either.
 * A crash shows as an RST at once; an idle timeout as a FIN or RST after a round delay.
 */
export function closeDelay(c: ConnectionReport): { kind: CloseKind; seconds: number } | null {
  const lastData = Math.max(c.sides.client.lastDataTime ?? 0, c.sides.server.lastDataTime ?? 0);
  if (lastData === 0) return null;
  const candidates: Array<{ kind: CloseKind; time: number }> = [];
  for (const side of ['client', 'server'] as const) {
    const fin = c.sides[side].finTime;
    if (fin !== null && !c.sides[side].finInferred) candidates.push({ kind: `${side} FIN`, time: fin });
  }
  const rst = c.endingRst;
  if (rst !== null && (rst.by === 'client' || rst.by === 'server')) candidates.push({ kind: `${rst.by} RST`, time: rst.time });
  const firstClose = candidates.filter((x) => x.time >= lastData).sort((a, b) => a.time - b.time)[0];
  return firstClose === undefined ? null : { kind: firstClose.kind, seconds: firstClose.time - lastData };
}
