import type { Ending } from '../diagnosis/types.js';
import type { ConnectionReport } from './connection-report.js';
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

const clock = (t: number): string => new Date(t * 1000).toISOString().slice(11, 23);

/**
 * Groups problem connections by server endpoint and ending (with detail), busiest
 * first, and names each pattern the way an engineer on call would put it.
 */
export function triage(connections: readonly ConnectionReport[]): Triage {
  const problems = connections.filter(isProblem);
  const start = Math.min(...connections.map((c) => c.start));
  const end = Math.max(...connections.map((c) => c.end));
  const span = Math.max(end - start, 1);
  const buckets = Math.min(MAX_BUCKETS, Math.ceil(span));
  const width = span / buckets;
  const groups = new Map<string, ConnectionReport[]>();
  for (const c of problems) {
    // Who closed matters: client aborts and server aborts are different incidents.
    const key = `${c.server.ip}:${c.server.port}|${c.ending}|${c.detail ?? ''}|${c.closer ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const result: TriageGroup[] = [...groups.values()].map((members) => {
    const first = members[0]!;
    const counts = new Array<number>(buckets).fill(0);
    for (const c of members) counts[Math.min(buckets - 1, Math.floor((c.end - start) / width))]!++;
    const top = Math.max(...counts);
    const sparkline = counts.map((n) => (n === 0 ? ' ' : BLOCKS[Math.max(0, Math.ceil((n / top) * BLOCKS.length) - 1)]!)).join('');
    const from = Math.min(...members.map((c) => c.end));
    const to = Math.max(...members.map((c) => c.end));
    const server = first.server.ip.includes(':') ? `[${first.server.ip}]:${first.server.port}` : `${first.server.ip}:${first.server.port}`;
    return {
      server,
      ending: first.ending,
      detail: first.detail,
      connections: members.length,
      from,
      to,
      sparkline,
      pattern: pattern(server, members, from, to),
      streams: members.slice(0, 10).map((c) => c.stream),
    };
  });
  result.sort((a, b) => b.connections - a.connections || a.from - b.from);
  return { problems: problems.length, connections: connections.length, groups: result };
}

/** One sentence per kind of problem (teardown.md's endings, in an operator's words). */
function pattern(server: string, members: readonly ConnectionReport[], from: number, to: number): string {
  const n = members.length;
  const s = n === 1 ? '' : 's';
  const were = n === 1 ? 'was' : 'were';
  const when = from === to ? `at ${clock(from)}` : `between ${clock(from)} and ${clock(to)}`;
  const c = members[0]!;
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
      const longest = Math.max(...members.map((m) => m.reportedAt - (m.timeline[m.closer === 'server' ? 'server' : 'client'].find((x) => x.state === 'FIN-WAIT-1')?.time ?? m.start)));
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
