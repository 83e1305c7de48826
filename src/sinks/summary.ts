import type { Detail, Ending } from '../diagnosis/types.js';
import type { ConnectionReport } from '../diagnosis/report.js';
import { keepSmallest } from '../diagnosis/keep-smallest.js';
import { isProblem } from '../pipeline/filter.js';
import { formatEndpoint } from '../track/report.js';

export interface ProblemGroup {
  ending: Ending;
  detail: Detail | null;
  /** The server side the problem connections went to. */
  server: string;
  connections: number;
  /** A few streams to look at first. */
  streams: number[];
}

export interface Summary {
  connections: number;
  byEnding: Partial<Record<Ending, number>>;
  /** Problem endings grouped by ending, detail and server, most connections first. */
  topProblems: ProblemGroup[];
}

/**
 * Counts per ending and the most common problems, for the foot of a report, built one
 * connection at a time (so a report needs only the rows it prints, not every
 * connection), in any order: what it gives depends on the stream numbers, not on the
 * order connections arrive in (a table is fed in the order connections finish, so none
 * waits for a long first one).
 */
export class SummaryBuilder {
  private connections = 0;
  /** Per ending: how many, and the first stream (endings are listed in that order). */
  private readonly endings = new Map<Ending, { count: number; firstStream: number }>();
  private readonly groups = new Map<string, ProblemGroup>();

  add(c: ConnectionReport): void {
    this.connections++;
    const e = this.endings.get(c.ending);
    if (e === undefined) this.endings.set(c.ending, { count: 1, firstStream: c.stream });
    else {
      e.count++;
      e.firstStream = Math.min(e.firstStream, c.stream);
    }
    if (!isProblem(c)) return;
    const server = formatEndpoint(c.server);
    const key = `${c.ending}|${c.detail ?? ''}|${server}`;
    const g = this.groups.get(key) ?? { ending: c.ending, detail: c.detail, server, connections: 0, streams: [] };
    g.connections++;
    keepSmallest(g.streams, c.stream, STREAMS_PER_PROBLEM);
    this.groups.set(key, g);
  }

  summary(top = 5): Summary {
    const topProblems = [...this.groups.values()].sort((a, b) => b.connections - a.connections || a.streams[0]! - b.streams[0]!).slice(0, top);
    const byEnding: Partial<Record<Ending, number>> = {};
    for (const [ending, e] of [...this.endings].sort((a, b) => a[1].firstStream - b[1].firstStream)) byEnding[ending] = e.count;
    return { connections: this.connections, byEnding, topProblems };
  }
}

/** Streams listed per problem group: the first ones. */
const STREAMS_PER_PROBLEM = 5;

/** The summary of a list of connections (see SummaryBuilder). */
export function summarize(connections: readonly ConnectionReport[], top = 5): Summary {
  const builder = new SummaryBuilder();
  for (const c of connections) builder.add(c);
  return builder.summary(top);
}
