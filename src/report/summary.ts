import type { Ending } from '../diagnosis/types.js';
import type { ConnectionReport } from './connection-report.js';
import { isProblem } from './filter.js';

export interface ProblemGroup {
  ending: Ending;
  detail: string | null;
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
 * connection).
 */
export class SummaryBuilder {
  private connections = 0;
  private readonly byEnding: Partial<Record<Ending, number>> = {};
  private readonly groups = new Map<string, ProblemGroup>();

  add(c: ConnectionReport): void {
    this.connections++;
    this.byEnding[c.ending] = (this.byEnding[c.ending] ?? 0) + 1;
    if (!isProblem(c)) return;
    const server = `${c.server.ip}:${c.server.port}`;
    const key = `${c.ending}|${c.detail ?? ''}|${server}`;
    const g = this.groups.get(key) ?? { ending: c.ending, detail: c.detail, server, connections: 0, streams: [] };
    g.connections++;
    if (g.streams.length < 5) g.streams.push(c.stream);
    this.groups.set(key, g);
  }

  summary(top = 5): Summary {
    const topProblems = [...this.groups.values()].sort((a, b) => b.connections - a.connections || a.streams[0]! - b.streams[0]!).slice(0, top);
    return { connections: this.connections, byEnding: { ...this.byEnding }, topProblems };
  }
}

/** The summary of a list of connections (see SummaryBuilder). */
export function summarize(connections: readonly ConnectionReport[], top = 5): Summary {
  const builder = new SummaryBuilder();
  for (const c of connections) builder.add(c);
  return builder.summary(top);
}
