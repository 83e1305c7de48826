import type { Ending } from '../diagnosis/types.js';
import type { ConnectionReport } from './connection-report.js';

/** Which connections a report shows (analyze's --ending, --problems, --host, --port, --stream). */
export interface ConnectionFilter {
  endings?: Ending[];
  /** Everything but the endings in PROBLEM_FREE. */
  problems?: boolean;
  /** Either side's address. */
  hosts?: string[];
  /** Either side's port. */
  ports?: number[];
  streams?: number[];
}

/**
 * Endings that are not problems: a normal close, whichever way the FINs went (a
 * simultaneous close is RFC 9293 3.6's normal close with the FINs crossing), and a
 * connection still open when the capture ended.
 */
export const PROBLEM_FREE: readonly Ending[] = ['graceful', 'simultaneous-close', 'open'];

export function isProblem(c: Pick<ConnectionReport, 'ending'>): boolean {
  return !PROBLEM_FREE.includes(c.ending);
}

export function matches(c: ConnectionReport, f: ConnectionFilter): boolean {
  if (f.endings !== undefined && f.endings.length > 0 && !f.endings.includes(c.ending)) return false;
  if (f.problems === true && !isProblem(c)) return false;
  if (f.hosts !== undefined && f.hosts.length > 0 && !f.hosts.includes(c.client.ip) && !f.hosts.includes(c.server.ip)) return false;
  if (f.ports !== undefined && f.ports.length > 0 && !f.ports.includes(c.client.port) && !f.ports.includes(c.server.port)) return false;
  if (f.streams !== undefined && f.streams.length > 0 && !f.streams.includes(c.stream)) return false;
  return true;
}
