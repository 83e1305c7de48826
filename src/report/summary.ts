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

/** Counts per ending and the most common problems, for the foot of a report. */
export function summarize(connections: readonly ConnectionReport[], top = 5): Summary {
  const byEnding: Partial<Record<Ending, number>> = {};
  const groups = new Map<string, ProblemGroup>();
  for (const c of connections) {
    byEnding[c.ending] = (byEnding[c.ending] ?? 0) + 1;
    if (!isProblem(c)) continue;
    const server = `${c.server.ip}:${c.server.port}`;
    const key = `${c.ending}|${c.detail ?? ''}|${server}`;
    const g = groups.get(key) ?? { ending: c.ending, detail: c.detail, server, connections: 0, streams: [] };
    g.connections++;
    if (g.streams.length < 5) g.streams.push(c.stream);
    groups.set(key, g);
  }
  const topProblems = [...groups.values()].sort((a, b) => b.connections - a.connections || a.streams[0]! - b.streams[0]!).slice(0, top);
  return { connections: connections.length, byEnding, topProblems };
}
