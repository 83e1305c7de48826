import type { Ending } from '../diagnosis/types.js';
import { fitsSpec, parseEndingSpec, type EndingSpec } from '../diagnosis/ending-spec.js';
import type { TrackedConnection } from '../track/report.js';
import type { ConnectionReport } from '../diagnosis/report.js';
import { hostMatches, parseHostPattern, type HostPattern } from './host-pattern.js';

/** Which connections a report shows (analyze's --ending, --problems, --host, --port, --stream). */
export interface ConnectionFilter {
  /** Endings, each optionally narrowed to a detail (`reset:stale`, ending-spec.ts). */
  endings?: EndingFilter[];
  /** Everything but the endings in PROBLEM_FREE. */
  problems?: boolean;
  /** Either side's address, or a network it lies in: any IPv4 or IPv6 spelling, or CIDR (host-pattern.ts). */
  hosts?: string[];
  /** Either side's port. */
  ports?: number[];
  streams?: number[];
}

/** An ending, or an ending and one of its details as users write it: `reset`, `reset:abort`, `timeout:connect`. */
export type EndingFilter = Ending | `${Ending}:${string}`;

/** How many connections a file had, and how many of them the filter kept. */
export interface FilterCount {
  connections: number;
  matched: number;
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

/** Patterns and specs parsed once each (a filter is matched against every connection). */
const parsedHosts = new Map<string, HostPattern>();
const parsedSpecs = new Map<string, EndingSpec>();

/**
 * Throws HostPatternError for a host that is not an address or network, EndingSpecError
 * for an ending or detail no connection can have: before any connection is read, not at
 * the first one.
 */
export function checkFilter(f: ConnectionFilter | undefined): void {
  for (const h of f?.hosts ?? []) patternOf(h);
  for (const e of f?.endings ?? []) specOf(e);
}

/** `text` parsed; throws HostPatternError for what is not an address or network. */
function patternOf(text: string): HostPattern {
  let p = parsedHosts.get(text);
  if (p === undefined) parsedHosts.set(text, (p = parseHostPattern(text)));
  return p;
}

function specOf(text: string): EndingSpec {
  let s = parsedSpecs.get(text);
  if (s === undefined) parsedSpecs.set(text, (s = parseEndingSpec(text)));
  return s;
}

/**
 * The part of the filter that needs no diagnosis (stream, hosts, ports): checked on the
 * tracked connection first, so a filter that keeps few connections (`show` keeps one)
 * diagnoses only those.
 */
export function matchesObserved(c: Pick<TrackedConnection, 'stream' | 'client' | 'server'>, f: ConnectionFilter): boolean {
  if (f.hosts !== undefined && f.hosts.length > 0 && !f.hosts.some((h) => hostMatches(patternOf(h), c.client.ip) || hostMatches(patternOf(h), c.server.ip))) return false;
  if (f.ports !== undefined && f.ports.length > 0 && !f.ports.includes(c.client.port) && !f.ports.includes(c.server.port)) return false;
  if (f.streams !== undefined && f.streams.length > 0 && !f.streams.includes(c.stream)) return false;
  return true;
}

/** The part of the filter that reads the diagnosis (ending, problems). */
export function matchesVerdict(c: Pick<ConnectionReport, 'ending' | 'detail'>, f: ConnectionFilter): boolean {
  if (f.endings !== undefined && f.endings.length > 0 && !f.endings.some((e) => fitsSpec(c, specOf(e)))) return false;
  if (f.problems === true && !isProblem(c)) return false;
  return true;
}
