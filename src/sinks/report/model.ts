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
  connections: number;
  byEnding: Record<Ending, number>;
  /** Connections by when they started, in buckets of `bucketSeconds` (only those with connections). */
  overTime: { bucketSeconds: number; buckets: Array<{ start: number; byEnding: Partial<Record<Ending, number>> }> };
  /** Problem connections per server (address:port) and per service (server port): the TOP with the most, of `keys`. */
  byServer: Ranked;
  byService: Ranked;
  /** Histograms: `bins` are upper edges in seconds (the last is open). */
  durations: { bins: number[]; byEnding: Partial<Record<Ending, number[]>> };
  /** From the last data before a connection's first close (FIN or ending RST) to that close, by who sent it and which; `none`: connections with no data before a close, or no close. */
  closeDelay: { bins: number[]; series: Record<CloseKind, number[]>; none: number };
  rows: ReportRow[];
  problems: number;
  detailedProblems: number;
  others: number;
  sampledOthers: number;
}

export interface Ranked {
  top: Array<{ key: string; byEnding: Partial<Record<Ending, number>>; total: number }>;
  /** Keys counted; past MAX_KEYS the rest count as one, OTHERS (then `capped`). */
  keys: number;
  capped: boolean;
}

/** The key that counts every server or service past MAX_KEYS. */
export const OTHERS = 'all others';

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
}

/** Bin edges, seconds: 1 ms to 1 h by factors of about 3, then everything longer. */
const BINS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10, 30, 60, 120, 300, 600, 1800, 3600, Infinity];
/** Servers and services charted. */
const TOP = 15;
/** Keys counted per server or service; past it, the rest count as "other" (a scan of a /16 stays small). */
const MAX_KEYS = 10000;
/** Buckets kept before they are merged sixty to one (seconds into minutes, minutes into hours). */
const MAX_BUCKETS = 7200;

export interface ReportLimits {
  /**
   * Connections given full detail, at most: problems first (in capture order), then a
   * random sample of the others in the room left, which is at least a tenth.
   */
  detail: number;
  /** The name a file is shown by (standard input is read from a temporary file). */
  displayName?: (file: string) => string;
}

export class ReportCollector extends QuietSink {
  private readonly files: FileSummary[] = [];
  private current: { triage: TriageSink; connections: number; first: number | null; last: number | null } | null = null;
  private readonly byEnding = Object.fromEntries(ENDINGS.map((e) => [e, 0])) as Record<Ending, number>;
  private readonly buckets = new Map<number, Partial<Record<Ending, number>>>();
  private bucketSeconds = 1;
  private readonly servers = new Map<string, Partial<Record<Ending, number>>>();
  private readonly services = new Map<string, Partial<Record<Ending, number>>>();
  private readonly durations: Partial<Record<Ending, number[]>> = {};
  private readonly closeDelay = Object.fromEntries(CLOSE_KINDS.map((k) => [k, BINS.map(() => 0)])) as Record<CloseKind, number[]>;
  private noCloseDelay = 0;
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
    if (file.first === null || c.start < file.first) file.first = c.start;
    if (file.last === null || c.end > file.last) file.last = c.end;
    this.count(c);
    const row: ReportRow = { file: this.files.length, report: c };
    if (isProblem(c)) {
      this.problems++;
      if (this.problemRows.length < this.limits.detail) this.problemRows.push(row);
    } else this.sample(row);
  }

  override async fileEnd(input: string, end: FileEnd): Promise<void> {
    const name = this.limits.displayName?.(input) ?? input;
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
    const rank = (m: Map<string, Partial<Record<Ending, number>>>): Ranked => ({
      top: [...m]
        .map(([key, byEnding]) => ({ key, byEnding, total: Object.values(byEnding).reduce((a, b) => a + (b ?? 0), 0) }))
        .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key))
        .slice(0, TOP),
      keys: m.size,
      capped: m.has(OTHERS),
    });
    const buckets = [...this.buckets].sort((a, b) => a[0] - b[0]).map(([start, byEnding]) => ({ start, byEnding }));
    // The room: at least a tenth for the others (when there are others), the rest for problems first.
    const detail = this.limits.detail;
    const problemRows = this.problemRows.slice(0, detail - Math.min(this.otherRows.length, Math.ceil(detail / 10)));
    const otherRows = this.pick(this.otherRows, detail - problemRows.length);
    const byStream = (a: ReportRow, b: ReportRow) => a.file - b.file || a.report.stream - b.report.stream;
    return {
      files: this.files,
      connections: this.problems + this.others,
      byEnding: this.byEnding,
      overTime: { bucketSeconds: this.bucketSeconds, buckets },
      byServer: rank(this.servers),
      byService: rank(this.services),
      durations: { bins: BINS, byEnding: this.durations },
      closeDelay: { bins: BINS, series: this.closeDelay, none: this.noCloseDelay },
      // The table shows the sample in capture order, as the problems.
      rows: [...problemRows, ...otherRows].sort(byStream),
      problems: this.problems,
      detailedProblems: problemRows.length,
      others: this.others,
      sampledOthers: otherRows.length,
    };
  }

  private count(c: ConnectionReport): void {
    const add = (m: Map<string, Partial<Record<Ending, number>>>, key: string): void => {
      const k = m.has(key) || m.size < MAX_KEYS ? key : OTHERS;
      const counts = m.get(k) ?? {};
      counts[c.ending] = (counts[c.ending] ?? 0) + 1;
      m.set(k, counts);
    };
    if (isProblem(c)) {
      add(this.servers, formatEndpoint(c.server));
      add(this.services, `port ${c.server.port}`);
    }
    const bucket = Math.floor(c.start / this.bucketSeconds) * this.bucketSeconds;
    const counts = this.buckets.get(bucket) ?? {};
    counts[c.ending] = (counts[c.ending] ?? 0) + 1;
    this.buckets.set(bucket, counts);
    if (this.buckets.size > MAX_BUCKETS) this.coarsen();
    (this.durations[c.ending] ??= BINS.map(() => 0))[binOf(c.end - c.start)]!++;
    const delay = closeDelay(c);
    if (delay === null) this.noCloseDelay++;
    else this.closeDelay[delay.kind][binOf(delay.seconds)]!++;
  }

  /** Buckets sixty times wider (seconds to minutes, minutes to hours), merged. */
  private coarsen(): void {
    const wider = this.bucketSeconds * 60;
    const merged = new Map<number, Partial<Record<Ending, number>>>();
    for (const [start, counts] of this.buckets) {
      const key = Math.floor(start / wider) * wider;
      const into = merged.get(key) ?? {};
      for (const [e, n] of Object.entries(counts) as Array<[Ending, number]>) into[e] = (into[e] ?? 0) + n;
      merged.set(key, into);
    }
    this.buckets.clear();
    for (const [k, v] of merged) this.buckets.set(k, v);
    this.bucketSeconds = wider;
  }

  /** Reservoir sampling (Algorithm R) of the others, as many as could be detailed. */
  private sample(row: ReportRow): void {
    this.others++;
    const room = this.limits.detail;
    if (this.otherRows.length < room) {
      this.otherRows.push(row);
      return;
    }
    const slot = this.next() % this.others;
    if (slot < room) this.otherRows[slot] = row;
  }

  /** `n` of `rows` at random (a partial Fisher-Yates shuffle), all when there are no more. */
  private pick(rows: ReportRow[], n: number): ReportRow[] {
    const pool = [...rows];
    const count = Math.min(n, pool.length);
    for (let i = 0; i < count; i++) {
      const j = i + (this.next() % (pool.length - i));
      [pool[i], pool[j]] = [pool[j]!, pool[i]!];
    }
    return pool.slice(0, count);
  }

  /** A fixed-seed generator (a 32-bit mix), so that a report is the same each time. */
  private next(): number {
    this.random = (Math.imul(this.random ^ (this.random >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return this.random;
  }
}

function binOf(seconds: number): number {
  return BINS.findIndex((edge) => seconds <= edge);
}

/**
 * How the connection was first closed (its first FIN, or the RST that ended it, whichever
 * came first) and how long after the last data sent before that close. Data after the
 * close (an after-close write) does not count: the delay is what the closer waited.
 * Null when nothing closed it, or no data came before the close. ("Data" is any payload,
 * a keepalive's byte included.) An RST right after data points at a crash or an abort;
 * a close after a round delay at an idle timeout.
 */
export function closeDelay(c: ConnectionReport): { kind: CloseKind; seconds: number } | null {
  const closes: Array<{ kind: CloseKind; time: number }> = [];
  for (const side of ['client', 'server'] as const) {
    const fin = c.sides[side].finTime;
    if (fin !== null && !c.sides[side].finInferred) closes.push({ kind: `${side} FIN`, time: fin });
  }
  const rst = c.endingRst;
  if (rst !== null && (rst.by === 'client' || rst.by === 'server')) closes.push({ kind: `${rst.by} RST`, time: rst.time });
  const first = closes.sort((a, b) => a.time - b.time)[0];
  if (first === undefined) return null;
  // lastDataFrame 0: that side sent no data.
  const before = [c.sides.client, c.sides.server].filter((s) => s.lastDataFrame !== 0 && s.lastDataTime <= first.time).map((s) => s.lastDataTime);
  if (before.length === 0) return null;
  return { kind: first.kind, seconds: first.time - Math.max(...before) };
}
