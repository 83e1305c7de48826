import type { Ending } from '../diagnosis/types.js';
import type { ConnectionReport } from './connection-report.js';
import { keepSmallest } from '../keep-smallest.js';
import { isProblem } from './filter.js';

/** Problems of one kind with one server. */
export interface TriageGroup {
  server: string;
  ending: Ending;
  detail: string | null;
  connections: number;
  /** Seconds since the epoch: the first and last problem connection's end. */
  from: number;
  to: number;
  /** Endings per time bucket across the whole capture, as block characters. */
  sparkline: string;
  /** The pattern in words. */
  pattern: string;
  streams: number[];
}

export interface Triage {
  problems: number;
  connections: number;
  groups: TriageGroup[];
}

const BLOCKS = '▁▂▃▄▅▆▇█';
const MAX_BUCKETS = 60;

/** Streams listed per group: the first ones. */
const STREAMS_PER_GROUP = 10;

const clock = (t: number): string => new Date(t * 1000).toISOString().slice(11, 23);

/** What a group keeps of its members: the first (its kind), the count, when each ended. */
interface Members {
  first: ConnectionReport;
  count: number;
  ends: number[];
  streams: number[];
  /** Half-closed: the longest a member sat after its FIN (seconds). */
  longest: number;
}

/**
 * Groups problem connections by server endpoint and ending (with detail), busiest
 * first, and names each pattern the way an engineer on call would put it. Built one
 * connection at a time, keeping a number per problem connection rather than the
 * connection: a capture may hold hundreds of thousands.
 */
export class TriageBuilder {
  private readonly groups = new Map<string, Members>();
  private connections = 0;
  private problems = 0;
  private start = Infinity;
  private end = -Infinity;

  add(c: ConnectionReport): void {
    this.connections++;
    this.start = Math.min(this.start, c.start);
    this.end = Math.max(this.end, c.end);
    if (!isProblem(c)) return;
    this.problems++;
    // Who closed matters: client aborts and server aborts are different incidents.
    const key = `${c.server.ip}:${c.server.port}|${c.ending}|${c.detail ?? ''}|${c.closer ?? ''}`;
    let g = this.groups.get(key);
    if (g === undefined) {
      g = { first: c, count: 0, ends: [], streams: [], longest: 0 };
      this.groups.set(key, g);
    }
    // Connections may come in any order: the group's first is its first stream.
    if (c.stream < g.first.stream) g.first = c;
    g.count++;
    g.ends.push(c.end);
    keepSmallest(g.streams, c.stream, STREAMS_PER_GROUP);
    if (c.ending === 'half-closed') {
      const fin = c.timeline[c.closer === 'server' ? 'server' : 'client'].find((x) => x.state === 'FIN-WAIT-1')?.time ?? c.start;
      g.longest = Math.max(g.longest, c.reportedAt - fin);
    }
  }

  result(): Triage {
    const span = Math.max(this.end - this.start, 1);
    const buckets = Math.min(MAX_BUCKETS, Math.ceil(span));
    const width = span / buckets;
    const result: TriageGroup[] = [...this.groups.values()].map((g) => {
      const counts = new Array<number>(buckets).fill(0);
      let from = Infinity;
      let to = -Infinity;
      for (const end of g.ends) {
        counts[Math.min(buckets - 1, Math.floor((end - this.start) / width))]!++;
        from = Math.min(from, end);
        to = Math.max(to, end);
      }
      const top = counts.reduce((a, b) => Math.max(a, b), 0);
      const sparkline = counts.map((n) => (n === 0 ? ' ' : BLOCKS[Math.max(0, Math.ceil((n / top) * BLOCKS.length) - 1)]!)).join('');
      const first = g.first;
      const server = first.server.ip.includes(':') ? `[${first.server.ip}]:${first.server.port}` : `${first.server.ip}:${first.server.port}`;
      return {
        server,
        ending: first.ending,
        detail: first.detail,
        connections: g.count,
        from,
        to,
        sparkline,
        pattern: pattern(server, g, from, to),
        streams: g.streams,
      };
    });
    result.sort((a, b) => b.connections - a.connections || a.from - b.from || a.streams[0]! - b.streams[0]!);
    return { problems: this.problems, connections: this.connections, groups: result };
  }
}

/** One sentence per kind of problem (docs/endings.md's endings, in an operator's words). */
function pattern(server: string, members: Members, from: number, to: number): string {
  const n = members.count;
  const s = n === 1 ? '' : 's';
  const were = n === 1 ? 'was' : 'were';
  const when = from === to ? `at ${clock(from)}` : `between ${clock(from)} and ${clock(to)}`;
  const c = members.first;
  switch (c.ending) {
    case 'reset':
      switch (c.detail) {
        case 'after-close':
          return `${server} reset ${n} connection${s} ${when} after it had closed and the client wrote again (after-close: the server process was gone or closed early; clients saw EPIPE)`;
        case 'stale':
          return `${server} answered ${n} connection${s} with RST ${when} after losing their state (stale: the host or service restarted; clients saw ECONNRESET)`;
        case 'late-fin':
          return `${n} connection${s} with ${server} ended in RST ${when} because one side closed long after the other had given up waiting (late FIN)`;
        case 'handshake':
          return `${n} connection${s} with ${server} ${were} reset during the handshake ${when}`;
        default:
          return `${n} connection${s} with ${server} ${were} aborted with RST ${when} by the ${c.closer ?? 'peer'} (abort: SO_LINGER 0, unread data at close, or a crash)`;
      }
    case 'refused':
      return `${n} connection attempt${s} to ${server} ${n === 1 ? 'was' : 'were'} refused ${when}: nothing listened there`;
    case 'timeout':
      if (c.detail === 'connect') return `${n} connection attempt${s} to ${server} timed out ${when}: SYNs went unanswered (host down or a firewall dropping)`;
      if (c.detail === 'keepalive') return `${n} connection${s} with ${server} died of keepalive timeouts ${when}: the peer vanished without closing`;
      return `${n} connection${s} with ${server} timed out retransmitting ${when}: the peer or the path disappeared`;
    case 'half-closed': {
      const longest = members.longest;
      const leaker = c.closer === 'client' ? 'server' : 'client';
      return `${n} connection${s} in CLOSE-WAIT on the ${leaker} side for up to ${longest.toFixed(0)} s: the ${leaker} application does not close sockets on EOF`;
    }
    case 'unreachable':
      return `${n} connection${s} to ${server} met ICMP ${c.detail ?? 'unreachable'} ${when}: a router or firewall rejects the traffic`;
    case 'half-open':
      return `${n} connection${s} with ${server} ${were} half-open when the capture ended: the ${c.sides.client.unackedSeries !== null || c.sides.client.lastKeepaliveFrame !== null ? 'server' : 'client'} stopped answering`;
    case 'not-established':
      return `${n} connection attempt${s} to ${server} had not completed when the capture ended`;
    case 'simultaneous-close':
      return `${n} connection${s} with ${server} closed from both sides at once ${when}`;
    case 'graceful':
    case 'open':
      return `${n} connection${s} with ${server} ${c.ending}`;
  }
}
