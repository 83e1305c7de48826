import type { Detail, Ending, Side } from '../diagnosis/types.js';
import { formatEndpoint } from '../track/report.js';
import { halfClosedFor, type ConnectionReport } from '../diagnosis/report.js';
import { isProblem } from '../pipeline/filter.js';
import { utcTime } from './time.js';
import { largest } from './text.js';

/**
 * What a group of problem connections is about (see `groupProblems` for how each is found):
 * - `scanner`: one source whose failed connection attempts hit many ports of one host;
 * - `client`: one source whose failed connection attempts went to many hosts;
 * - `service`: one port with one kind of problem on several servers;
 * - `server`: one server endpoint with one kind of problem;
 * - `others`: what forms none of these, or the groups beyond the first MAX_GROUPS.
 */
export type GroupKind = 'scanner' | 'client' | 'service' | 'server' | 'others';

/** A group's members with one kind of problem. */
export interface ProblemCount {
  /** The ending in words: `reset (abort) by the server`, `timeout (connect)`. */
  problem: string;
  ending: Ending;
  detail: Detail | null;
  connections: number;
  /** Distinct server ports among them. */
  ports: number;
}

export interface TriageGroup {
  kind: GroupKind;
  /** The group's line: how many, what, with whom. */
  title: string;
  /** The pattern in words. */
  pattern: string;
  /** Scanner and client groups: the source address. */
  source: string | null;
  /** Server groups: the endpoint (`198.18.2.2:8111`, `[fd00::1]:443`). */
  server: string | null;
  /** Server and service groups: the server port. */
  port: number | null;
  connections: number;
  /** Distinct client addresses, server addresses, server ports and server endpoints among the members. */
  clients: number;
  hosts: number;
  ports: number;
  endpoints: number;
  /** Members per kind of problem, most first. */
  problems: ProblemCount[];
  /** Seconds since the epoch: the first and last member's end. */
  from: number;
  to: number;
  /** Members' ends per column of `Triage.columns`, as block characters. */
  sparkline: string;
  /** The first streams, to look at. */
  streams: number[];
}

/** The sparklines' scale: `count` columns of `width` seconds, the first starting at `from` (seconds since the epoch). */
export interface SparklineColumns {
  from: number;
  width: number;
  count: number;
}

export interface Triage {
  problems: number;
  connections: number;
  /** Seconds since the epoch: the first connection's start and the last one's end (null without connections). */
  start: number | null;
  end: number | null;
  columns: SparklineColumns | null;
  groups: TriageGroup[];
}

export interface TriageOptions {
  /** The most columns a sparkline may take (a narrow terminal asks for fewer). */
  columns?: number;
}

const BLOCKS = '▁▂▃▄▅▆▇█';
const MAX_COLUMNS = 60;

/** Streams listed per group: the first ones. */
const STREAMS_PER_GROUP = 10;

/** Named groups shown at most; the rest join the others line, so an incident reads as a handful of lines. */
const MAX_GROUPS = 8;

/**
 * How many hosts, or ports of one host, make a source's failures a pattern of their own:
 * a client retrying one server, or checking a few ports, stays with the servers it tried.
 */
const MANY = 10;

/** Ports listed for a scan's rare outcomes (its open and closed ports), at most. */
const PORTS_LISTED = 6;

/** A connection the application never had: no handshake completed, or one the server reset before accepting. */
const FAILED_ATTEMPT = 1;
/** A half-open connection whose server fell silent (else its client). */
const SERVER_SILENT = 2;
/** The server answered the SYN with a SYN-ACK. */
const SYN_ACK = 4;

interface Kind {
  ending: Ending;
  detail: Detail | null;
  closer: Side | 'both' | null;
}

/**
 * What the builder keeps of each problem connection: a few numbers (addresses and kinds
 * by index), never the report, since a capture may hold hundreds of thousands.
 */
class Kept {
  readonly stream: number[] = [];
  readonly end: number[] = [];
  readonly client: number[] = [];
  readonly server: number[] = [];
  readonly port: number[] = [];
  readonly kind: number[] = [];
  /** Half-closed: how long it sat after its FIN (seconds); else 0. */
  readonly linger: number[] = [];
  /** FAILED_ATTEMPT, SERVER_SILENT, SYN_ACK. */
  readonly bits: number[] = [];
}

/** Strings (addresses, kinds) by index, so each problem connection keeps a number for them. */
class Interned<T> {
  readonly values: T[] = [];
  private readonly index = new Map<string, number>();

  id(key: string, value: () => T): number {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.values.length;
      this.values.push(value());
      this.index.set(key, i);
    }
    return i;
  }
}

/**
 * Groups problem connections by what their incident is about, busiest first, and names
 * each the way an engineer on call would put it. Built one connection at a time in any
 * order; the result depends only on the connections.
 */
export class TriageBuilder {
  private readonly kept = new Kept();
  private readonly addresses = new Interned<string>();
  private readonly kinds = new Interned<Kind>();
  private connections = 0;
  private start = Infinity;
  private end = -Infinity;

  add(c: ConnectionReport): void {
    this.connections++;
    this.start = Math.min(this.start, c.start);
    this.end = Math.max(this.end, c.end);
    if (!isProblem(c)) return;
    const k = this.kept;
    k.stream.push(c.stream);
    k.end.push(c.end);
    k.client.push(this.addresses.id(c.client.ip, () => c.client.ip));
    k.server.push(this.addresses.id(c.server.ip, () => c.server.ip));
    k.port.push(c.server.port);
    k.kind.push(this.kinds.id(`${c.ending}|${c.detail ?? ''}|${c.closer ?? ''}`, () => ({ ending: c.ending, detail: c.detail, closer: c.closer })));
    k.linger.push(halfClosedFor(c) ?? 0);
    const failed = !c.established || (c.ending === 'reset' && c.detail === 'handshake');
    const serverSilent = c.sides.client.unackedSeries !== null || c.sides.client.lastKeepaliveFrame !== null;
    k.bits.push((failed ? FAILED_ATTEMPT : 0) | (serverSilent ? SERVER_SILENT : 0) | (c.sides.server.synAcks > 0 ? SYN_ACK : 0));
  }

  result(options: TriageOptions = {}): Triage {
    const k = this.kept;
    // Stream order, so that the groups and their words do not depend on the arrival order.
    const order = k.stream.map((_, i) => i).sort((a, b) => k.stream[a]! - k.stream[b]!);
    const found = groupProblems(order, k, this.kinds.values.length);
    const some = this.connections > 0;
    const columns = some ? sparklineColumns(this.start, this.end, Math.max(1, Math.min(MAX_COLUMNS, options.columns ?? MAX_COLUMNS))) : null;
    const describe = new Describe(k, this.addresses.values, this.kinds.values, columns);
    const groups = found.map((g) => describe.group(g, found.length > 1));
    return { problems: order.length, connections: this.connections, start: some ? this.start : null, end: some ? this.end : null, columns, groups };
  }
}

type CandidateKind = 'source' | 'service' | 'server';

/** Ties between candidates of one size go to the broader name. */
const RANK: Record<CandidateKind, number> = { source: 0, service: 1, server: 2 };

interface Candidate {
  kind: CandidateKind;
  /** Indexes into Kept, in stream order. */
  members: number[];
  /** Members no group has taken yet. */
  left: number;
}

/** A group found: its kind and members (indexes into Kept, in stream order). */
interface Found {
  kind: GroupKind;
  members: number[];
}

/**
 * Which incident each problem connection belongs to. A connection can be told as part of
 * its source's story, its service's or its server's; the story that explains the most
 * connections is the one an engineer on call would tell, so candidates are taken biggest
 * first and each connection joins the first group that takes it:
 * - a source: the failed connection attempts of one client address, when they hit MANY
 *   ports of one host (a port scan: `scanner`) or MANY hosts (`client`: a client whose
 *   peers are gone, or a sweep; the capture does not tell which, so it is not called a
 *   scan). A scan is one incident, not a thousand server problems;
 * - a service: one port and one kind of problem on two servers or more, with at least two
 *   connections besides the busiest server's (one stray connection elsewhere does not
 *   make a problem of the whole service);
 * - a server: one endpoint and one kind of problem, two connections or more.
 * Ties go to the broader name. A candidate shrinks as other groups take its members; one
 * that falls below its threshold is dropped for good (the thresholds only fall as members
 * go). What no candidate took is one-offs; these and the groups beyond MAX_GROUPS are
 * collapsed into one `others` group when that merges two groups or more.
 */
function groupProblems(order: readonly number[], k: Kept, kinds: number): Found[] {
  const candidates: Candidate[] = [];
  // Each member's candidate of each kind (an index into candidates, -1 for none).
  const memberOf = CANDIDATE_KINDS.map(() => new Int32Array(k.stream.length).fill(-1));
  CANDIDATE_KINDS.forEach((kind, t) => {
    const keyOf = candidateKey(kind, k, kinds);
    const sizes = new Map<number, number>();
    for (const i of order) {
      const key = keyOf(i);
      if (key !== null) sizes.set(key, (sizes.get(key) ?? 0) + 1);
    }
    const index = new Map<number, number>();
    for (const i of order) {
      const key = keyOf(i);
      // A candidate too small ever to be a group would only fill the queue.
      if (key === null || sizes.get(key)! < FEWEST[kind]) continue;
      let id = index.get(key);
      if (id === undefined) {
        id = candidates.push({ kind, members: [], left: 0 }) - 1;
        index.set(key, id);
      }
      candidates[id]!.members.push(i);
      candidates[id]!.left++;
      memberOf[t]![i] = id;
    }
  });
  const first = (c: Candidate): number => k.stream[c.members[0]!]!;
  const queue = new MaxQueue<{ size: number; candidate: Candidate }>(
    (a, b) => a.size - b.size || RANK[b.candidate.kind] - RANK[a.candidate.kind] || first(b.candidate) - first(a.candidate),
  );
  for (const candidate of candidates) queue.push({ size: candidate.left, candidate });
  const taken = new Uint8Array(k.stream.length);
  const named: Found[] = [];
  for (let top = queue.pop(); top !== undefined; top = queue.pop()) {
    const c = top.candidate;
    // Sizes only fall: an entry pushed before its candidate lost members goes back with the size it has now.
    if (top.size !== c.left) {
      if (c.left > 0) queue.push({ size: c.left, candidate: c });
      continue;
    }
    const members = c.members.filter((i) => taken[i] === 0);
    const kind = groupKind(c.kind, members, k);
    if (kind === null) continue;
    for (const i of members) {
      taken[i] = 1;
      for (const of of memberOf) if (of[i]! >= 0) candidates[of[i]!]!.left--;
    }
    named.push({ kind, members });
  }
  named.sort((a, b) => b.members.length - a.members.length || k.stream[a.members[0]!]! - k.stream[b.members[0]!]!);
  const oneOffs = order.filter((i) => taken[i] === 0);
  const tail = named.slice(MAX_GROUPS);
  // Collapsing one group into "others" would only hide its name.
  if (tail.length + oneOffs.length < 2) return [...named, ...oneOffs.map((i): Found => ({ kind: 'server', members: [i] }))];
  const others = [...tail.flatMap((g) => g.members), ...oneOffs].sort((a, b) => k.stream[a]! - k.stream[b]!);
  return [...named.slice(0, MAX_GROUPS), { kind: 'others', members: others }];
}

const CANDIDATE_KINDS: readonly CandidateKind[] = ['source', 'service', 'server'];

/** The fewest members a candidate needs to pass groupKind at all (a service: one on the busiest server, two elsewhere). */
const FEWEST: Record<CandidateKind, number> = { source: MANY, service: 3, server: 2 };

/** A member's candidate of `kind`, as a number (null: none, a source only takes failed attempts). */
function candidateKey(kind: CandidateKind, k: Kept, kinds: number): (i: number) => number | null {
  switch (kind) {
    case 'source':
      return (i) => ((k.bits[i]! & FAILED_ATTEMPT) !== 0 ? k.client[i]! : null);
    case 'service':
      return (i) => k.port[i]! * kinds + k.kind[i]!;
    case 'server':
      return (i) => endpoint(k, i) * kinds + k.kind[i]!;
  }
}

/** A member's server endpoint as a number. */
const endpoint = (k: Kept, i: number): number => k.server[i]! * 65536 + k.port[i]!;

/** The kind of group a candidate's untaken members make, or null when they are too few to be one. */
function groupKind(kind: CandidateKind, members: readonly number[], k: Kept): GroupKind | null {
  switch (kind) {
    case 'server':
      return members.length >= 2 ? 'server' : null;
    case 'service': {
      const perHost = countBy(members, (i) => k.server[i]!);
      const busiest = largest(perHost.values());
      return perHost.size >= 2 && members.length - busiest >= 2 ? 'service' : null;
    }
    case 'source': {
      if (mostPortsOnOneHost(members, k) >= MANY) return 'scanner';
      return distinct(members, (i) => k.server[i]!) >= MANY ? 'client' : null;
    }
  }
}

function mostPortsOnOneHost(members: readonly number[], k: Kept): number {
  const ports = new Map<number, Set<number>>();
  for (const i of members) {
    const set = ports.get(k.server[i]!) ?? new Set<number>();
    set.add(k.port[i]!);
    ports.set(k.server[i]!, set);
  }
  return largest([...ports.values()].map((s) => s.size));
}

/** The greatest of `values` (0 for none), without spreading them into arguments: a group may have hundreds of thousands. */
/** How many members share each key, keys in the members' order. */
function countBy(members: readonly number[], key: (i: number) => number | string): Map<number | string, number> {
  const counts = new Map<number | string, number>();
  for (const i of members) counts.set(key(i), (counts.get(key(i)) ?? 0) + 1);
  return counts;
}

const distinct = (members: readonly number[], key: (i: number) => number | string): number => new Set(members.map(key)).size;

/** A binary heap giving the greatest item first by `compare`. */
class MaxQueue<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  push(item: T): void {
    const items = this.items;
    let i = items.push(item) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.compare(items[parent]!, item) >= 0) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= items.length) break;
      if (child + 1 < items.length && this.compare(items[child + 1]!, items[child]!) > 0) child++;
      if (this.compare(items[child]!, last) <= 0) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/** Column widths a person reads at a glance (milliseconds): 1, 2, 5 × 10^k up to seconds, then the clock's own steps. */
const ROUND_WIDTHS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1e3, 2e3, 5e3, 10e3, 15e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3, 7200e3, 10800e3, 21600e3, 43200e3];
const DAY = 86400e3;

/**
 * The narrowest round column width that fits the capture in `most` columns, the first
 * column starting at a multiple of the width (a whole second, minute, day in UTC), so
 * that the scale reads as clock time.
 */
function sparklineColumns(start: number, end: number, most: number): SparklineColumns {
  const from = start * 1000;
  const to = end * 1000;
  const count = (width: number): number => Math.floor(to / width) - Math.floor(from / width) + 1;
  let width = ROUND_WIDTHS.find((w) => count(w) <= most);
  for (let days = 1; width === undefined; days *= 10) width = [days, 2 * days, 5 * days].map((d) => d * DAY).find((w) => count(w) <= most);
  return { from: (Math.floor(from / width) * width) / 1000, width: width / 1000, count: count(width) };
}

/** A column width in words: `100 ms`, `2 s`, `5 min`, `1 h`, `2 days`. */
export function columnWidth(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  if (ms < 1e3) return `${ms} ms`;
  if (ms < 60e3) return `${ms / 1e3} s`;
  if (ms < 3600e3) return `${ms / 60e3} min`;
  if (ms < DAY) return `${ms / 3600e3} h`;
  return `${ms / DAY} day${ms === DAY ? '' : 's'}`;
}

/**
 * A time range in UTC: `at 2026-12-04 17:55:45.123 UTC`, or `between 2026-12-04
 * 17:55:45.123 and 17:55:48.900 UTC` (the date once when both are on the same day).
 */
export function timeRange(from: number, to: number, [first, second] = ['between', 'and']): string {
  const a = utcTime(from);
  const b = utcTime(to);
  if (a === b) return `at ${a} UTC`;
  return `${first} ${a} ${second} ${a.slice(0, 10) === b.slice(0, 10) ? b.slice(11) : b} UTC`;
}

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** An ending in words, with who reset (a client's abort and a server's are different incidents). */
function problemName(kind: Kind): string {
  const by = kind.ending === 'reset' && (kind.closer === 'client' || kind.closer === 'server') ? ` by the ${kind.closer}` : '';
  return `${kind.ending}${kind.detail === null ? '' : ` (${kind.detail})`}${by}`;
}

/** Turns found groups into what the report shows: numbers, a title, the pattern in words, a sparkline. */
class Describe {
  constructor(
    private readonly k: Kept,
    private readonly addresses: readonly string[],
    private readonly kinds: readonly Kind[],
    private readonly columns: SparklineColumns | null,
  ) {}

  group(g: Found, several: boolean): TriageGroup {
    const { k, addresses } = this;
    const members = g.members;
    const firstMember = members[0]!;
    const ends = members.map((i) => k.end[i]!);
    const from = ends.reduce((a, b) => Math.min(a, b));
    const to = ends.reduce((a, b) => Math.max(a, b));
    const host = addresses[k.server[firstMember]!]!;
    const port = k.port[firstMember]!;
    const source = addresses[k.client[firstMember]!]!;
    const counts = {
      connections: members.length,
      clients: distinct(members, (i) => k.client[i]!),
      hosts: distinct(members, (i) => k.server[i]!),
      ports: distinct(members, (i) => k.port[i]!),
      endpoints: distinct(members, (i) => endpoint(k, i)),
    };
    const problems = this.problems(members);
    const base = {
      kind: g.kind,
      source: null,
      server: null,
      port: null,
      ...counts,
      problems,
      from,
      to,
      sparkline: this.sparkline(ends),
      streams: members.slice(0, STREAMS_PER_GROUP).map((i) => k.stream[i]!),
    };
    const n = members.length;
    const fromClients = `(from ${plural(counts.clients, 'client')})`;
    switch (g.kind) {
      case 'server': {
        const server = formatEndpoint({ ip: host, port });
        return { ...base, server, port, title: `${n} × ${problems[0]!.problem} — ${server} ${fromClients}`, pattern: this.pattern(server, members, from, to) };
      }
      case 'service': {
        const where = `port ${port} on ${counts.hosts} servers`;
        const busiest = [...countBy(members, (i) => k.server[i]!)].filter(([, m]) => m > 1).sort((a, b) => b[1] - a[1]).slice(0, 3);
        const spread = busiest.length === 0 ? 'one connection per server' : `busiest: ${busiest.map(([h, m]) => `${addresses[h as number]} (${m})`).join(', ')}`;
        const pattern = `${this.pattern(where, members, from, to)}; ${spread}`;
        return { ...base, port, title: `${n} × ${problems[0]!.problem} — ${where} ${fromClients}`, pattern };
      }
      case 'scanner':
      case 'client': {
        const target = counts.hosts === 1 ? host : `${counts.hosts} hosts`;
        const what = g.kind === 'scanner' ? 'probe (port scan)' : 'failed connection attempt';
        return { ...base, source, title: `${n} × ${what} — ${source} → ${target}`, pattern: this.attempts(g.kind, source, members, from, to) };
      }
      case 'others': {
        const most = largest(countBy(members, (i) => endpoint(k, i)).values());
        const which = several ? `${n} other problem connection${n === 1 ? '' : 's'}` : `${plural(n, 'problem connection')} forming no group`;
        const servers = counts.endpoints === 1 ? formatEndpoint({ ip: host, port }) : `${counts.endpoints} servers on ${plural(counts.hosts, 'host')}`;
        const spread = counts.endpoints === 1 ? `all with ${servers}` : most === 1 ? `one each with ${servers}` : `with ${servers} (at most ${most} with one)`;
        const pattern = `${which}, ${spread}, ${timeRange(from, to)}: ${problems.map((p) => `${p.connections} × ${p.problem}`).join(', ')}`;
        return { ...base, title: `${n} × ${several ? 'other' : 'one-off'} — ${servers}`, pattern };
      }
    }
  }

  private problems(members: readonly number[]): ProblemCount[] {
    const { k, kinds } = this;
    const by = new Map<string, { kind: Kind; connections: number; ports: Set<number> }>();
    for (const i of members) {
      const kind = kinds[k.kind[i]!]!;
      const name = problemName(kind);
      const p = by.get(name) ?? { kind, connections: 0, ports: new Set<number>() };
      p.connections++;
      p.ports.add(k.port[i]!);
      by.set(name, p);
    }
    return [...by]
      .map(([problem, p]) => ({ problem, ending: p.kind.ending, detail: p.kind.detail, connections: p.connections, ports: p.ports.size }))
      .sort((a, b) => b.connections - a.connections);
  }

  private sparkline(ends: readonly number[]): string {
    const columns = this.columns!;
    const counts = new Array<number>(columns.count).fill(0);
    for (const end of ends) counts[Math.min(columns.count - 1, Math.max(0, Math.floor((end - columns.from) / columns.width)))]!++;
    const top = largest(counts);
    return counts.map((n) => (n === 0 ? ' ' : BLOCKS[Math.max(0, Math.ceil((n / top) * BLOCKS.length) - 1)]!)).join('');
  }

  /**
   * A source's failed attempts: what it tried, then what came of it, outcome by outcome.
   * A scan's rare outcomes list their ports: its open and closed ports are the news.
   */
  private attempts(kind: 'scanner' | 'client', source: string, members: readonly number[], from: number, to: number): string {
    const { k, addresses, kinds } = this;
    const hosts = distinct(members, (i) => k.server[i]!);
    const ports = distinct(members, (i) => k.port[i]!);
    const most = mostPortsOnOneHost(members, k);
    const host = addresses[k.server[members[0]!]!]!;
    const outcomes = new Map<string, { n: number; ports: Set<number>; kind: Kind; bits: number }>();
    for (const i of members) {
      const kind = kinds[k.kind[i]!]!;
      const key = `${problemName(kind)}|${k.bits[i]! & SYN_ACK}`;
      const o = outcomes.get(key) ?? { n: 0, ports: new Set<number>(), kind, bits: k.bits[i]! };
      o.n++;
      o.ports.add(k.port[i]!);
      outcomes.set(key, o);
    }
    const listed = [...outcomes.values()].sort((a, b) => b.n - a.n);
    const words = listed.map((o, index) => {
      const phrase = `${o.n} ${attemptOutcome(o.kind, o.bits, source, o.n === 1)}`;
      if (kind !== 'scanner' || index === 0 || o.ports.size > PORTS_LISTED) return phrase;
      const list = [...o.ports].sort((a, b) => a - b);
      return `${phrase} (${list.length === 1 ? 'port' : 'ports'} ${list.join(', ')})`;
    });
    const n = members.length;
    const tries = `${timeRange(from, to)}, ${plural(n, 'connection attempt')}: ${words.join(', ')}`;
    if (kind === 'scanner') {
      const on = hosts === 1 ? host : `${hosts} hosts, up to ${most} on one`;
      return `${source} probed ${plural(ports, 'port')} on ${on} (a port scan) ${tries}`;
    }
    const whom = ports === 1 ? `port ${k.port[members[0]!]} on ${hosts} hosts` : `${hosts} hosts (${ports} ports, at most ${most} on one host)`;
    return `${source} could not connect to ${whom} ${tries}`;
  }

  /** One sentence per kind of problem (docs/endings.md's endings, in an operator's words), about `where`. */
  private pattern(where: string, members: readonly number[], from: number, to: number): string {
    const { k } = this;
    const n = members.length;
    const first = members[0]!;
    const c = this.kinds[k.kind[first]!]!;
    const s = n === 1 ? '' : 's';
    const were = n === 1 ? 'was' : 'were';
    const when = timeRange(from, to);
    // Who sent the RST: a client's after-close or stale reset is the mirror of a server's.
    const closer = c.closer === 'client' ? 'client' : 'server';
    const peer = closer === 'client' ? 'server' : 'client';
    switch (c.ending) {
      case 'reset':
        switch (c.detail) {
          case 'after-close':
            return `${n} connection${s} with ${where} ${were} reset by the ${closer} ${when} after it had closed and the ${peer} wrote again (after-close: the ${closer} process was gone or closed early; the ${peer} saw EPIPE)`;
          case 'stale':
            return `${n} connection${s} with ${where} ${were} answered with RST by the ${closer} ${when} after it had lost their state (stale: its host or service restarted; the ${peer} saw ECONNRESET)`;
          case 'late-fin':
            return `${n} connection${s} with ${where} ended in RST ${when} because one side closed long after the other had given up waiting (late FIN)`;
          case 'handshake':
            return `${n} connection${s} with ${where} ${were} reset during the handshake ${when}`;
          default:
            return `${n} connection${s} with ${where} ${were} aborted with RST ${when} by the ${c.closer ?? 'peer'} (abort: SO_LINGER 0, unread data at close, or a crash)`;
        }
      case 'refused':
        return `${n} connection attempt${s} to ${where} ${were} refused ${when}: nothing listened there`;
      case 'timeout':
        if (c.detail === 'connect') return `${n} connection attempt${s} to ${where} timed out ${when}: SYNs went unanswered (host down or a firewall dropping)`;
        if (c.detail === 'keepalive') return `${n} connection${s} with ${where} died of keepalive timeouts ${when}: the peer vanished without closing`;
        return `${n} connection${s} with ${where} timed out retransmitting ${when}: the peer or the path disappeared`;
      case 'half-closed': {
        const longest = largest(members.map((i) => k.linger[i]!));
        const leaker = c.closer === 'client' ? 'server' : 'client';
        return `${n} connection${s} in CLOSE-WAIT on the ${leaker} side for up to ${longest.toFixed(0)} s: the ${leaker} application does not close sockets on EOF`;
      }
      case 'unreachable':
        return `${n} connection${s} to ${where} met ICMP ${c.detail ?? 'unreachable'} ${when}: a router or firewall rejects the traffic`;
      case 'half-open':
        return `${n} connection${s} with ${where} ${were} half-open when the capture ended: the ${(k.bits[first]! & SERVER_SILENT) !== 0 ? 'server' : 'client'} stopped answering`;
      case 'not-established':
        return `${n} connection attempt${s} to ${where} had not completed when the capture ended`;
      case 'simultaneous-close':
      case 'graceful':
      case 'open':
        return `${n} connection${s} with ${where} ${c.ending}`;
    }
  }
}

/** What came of failed attempts, after their number: `got no answer`, `were refused`. */
function attemptOutcome(kind: Kind, bits: number, source: string, one: boolean): string {
  const were = one ? 'was' : 'were';
  switch (kind.ending) {
    case 'timeout':
      return kind.detail === 'connect' ? 'got no answer' : `ended in ${problemName(kind)}`;
    case 'refused':
      return `${were} refused`;
    case 'not-established':
      return (bits & SYN_ACK) !== 0 ? `answered with SYN-ACK, which ${source} never completed` : `${were} still unanswered when the capture ended`;
    case 'unreachable':
      return `met ICMP ${kind.detail ?? 'unreachable'}`;
    case 'reset':
      return kind.detail === 'handshake' ? `${were} reset in the handshake by the server` : `ended in ${problemName(kind)}`;
    default:
      return `ended ${kind.ending}`;
  }
}
