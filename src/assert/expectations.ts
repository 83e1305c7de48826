import { ENDINGS, type Ending } from '../diagnosis/types.js';
import { keepSmallest } from '../keep-smallest.js';
import { byStream, type ConnectionReport } from '../report/connection-report.js';

/** An ending, optionally narrowed to a detail: `reset`, `reset:abort`, `timeout/connect`. */
interface EndingSpec {
  ending: Ending;
  detail: string | null;
}

type Comparison = '<=' | '>=' | '==' | '<' | '>';

/** One parsed expectation; `text` is what the user wrote. */
export type Expectation = { text: string } & (
  | { kind: 'all'; spec: EndingSpec }
  | { kind: 'none'; spec: EndingSpec; longerThan: number | null }
  | { kind: 'count'; spec: EndingSpec; op: Comparison; n: number }
  | { kind: 'stream'; stream: number; spec: EndingSpec }
  | { kind: 'closer'; port: number; closer: 'client' | 'server' | 'both' }
);

export interface Verdict {
  expectation: Expectation;
  passed: boolean;
  /** One line: what was found. */
  message: string;
  /** The connections that break it (at most 20 listed). */
  offenders: ConnectionReport[];
}

export class ExpectationError extends Error {}

function endingSpec(text: string, whole: string): EndingSpec {
  const [ending, detail] = text.split(/[:/]/, 2);
  if (!(ENDINGS as readonly string[]).includes(ending!)) throw new ExpectationError(`"${whole}": unknown ending ${ending} (one of ${ENDINGS.join(', ')})`);
  return { ending: ending as Ending, detail: detail ?? null };
}

/**
 * Parses one expectation:
 *   all ENDING · no ENDING [longer than Ns] · ENDING[:DETAIL] <=|<|>=|>|== N ·
 *   stream N is ENDING[/DETAIL] · closer of port N is client|server|both
 */
export function parseExpectation(raw: string): Expectation {
  const text = raw.trim().replace(/\s+/g, ' ');
  let m: RegExpExecArray | null;
  if ((m = /^all (\S+)$/.exec(text)) !== null) return { text, kind: 'all', spec: endingSpec(m[1]!, text) };
  if ((m = /^no (\S+)(?: longer than (\d+(?:\.\d+)?) ?s)?$/.exec(text)) !== null) {
    return { text, kind: 'none', spec: endingSpec(m[1]!, text), longerThan: m[2] === undefined ? null : Number(m[2]) };
  }
  if ((m = /^(\S+?) ?(<=|>=|==|=|<|>) ?(\d+)$/.exec(text)) !== null) {
    const op = (m[2] === '=' ? '==' : m[2]) as Comparison;
    return { text, kind: 'count', spec: endingSpec(m[1]!, text), op, n: Number(m[3]) };
  }
  if ((m = /^stream (\d+) is (\S+)$/.exec(text)) !== null) return { text, kind: 'stream', stream: Number(m[1]), spec: endingSpec(m[2]!, text) };
  if ((m = /^closer of port (\d+) is (client|server|both)$/.exec(text)) !== null) {
    return { text, kind: 'closer', port: Number(m[1]), closer: m[2] as 'client' | 'server' | 'both' };
  }
  throw new ExpectationError(`"${raw.trim()}": not an expectation (all E | no E [longer than Ns] | E OP N | stream N is E | closer of port N is client|server|both)`);
}

/**
 * Expectations from a rules file: JSON `{"expect": [...]}` or `[...]`, or the YAML
 * subset `expect:` followed by `- item` lines (no YAML library needed for a list).
 */
export function parseRulesFile(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const doc = JSON.parse(trimmed) as unknown;
    const list = Array.isArray(doc) ? doc : (doc as { expect?: unknown }).expect;
    if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new ExpectationError('rules file: expected {"expect": ["...", ...]}');
    return list;
  }
  const items: string[] = [];
  for (const line of trimmed.split('\n')) {
    const l = line.replace(/#.*$/, '').trim();
    if (l === '' || l === 'expect:') continue;
    if (!l.startsWith('- ')) throw new ExpectationError(`rules file: "${l}" is not a "- expectation" line under expect:`);
    items.push(l.slice(2).replace(/^["']|["']$/g, ''));
  }
  return items;
}

function fits(c: ConnectionReport, spec: EndingSpec): boolean {
  if (c.ending !== spec.ending) return false;
  if (spec.detail === null) return true;
  return (c.detail ?? '').replace(/ /g, '-') === spec.detail.replace(/ /g, '-');
}

/** How long a connection has been in its ending: a half-closed one since the FIN, others their duration. */
function lasting(c: ConnectionReport): number {
  if (c.ending === 'half-closed' && c.closer !== null && c.closer !== 'both') {
    const fin = c.sides[c.closer].finFrame;
    const step = c.timeline[c.closer].find((s) => s.frame === fin);
    if (step !== undefined) return c.reportedAt - step.time;
  }
  return c.end - c.start;
}

const compare = (a: number, op: Comparison, b: number): boolean =>
  op === '<=' ? a <= b : op === '>=' ? a >= b : op === '<' ? a < b : op === '>' ? a > b : a === b;

/** Offenders listed per failed expectation. */
const MAX_OFFENDERS = 20;

/**
 * One expectation checked against a capture's connections as they come, in stream
 * order, keeping counts and the first offenders only: a CI job may assert on a capture
 * of any size.
 */
export class Check {
  /** Connections the expectation is about (all, or those on its port); those that break it; those a count counts. */
  private considered = 0;
  private offending = 0;
  private counted = 0;
  private readonly offenders: ConnectionReport[] = [];
  /** Connections matching a count's ending, kept in case the count fails. */
  private readonly hits: ConnectionReport[] = [];
  private stream: ConnectionReport | null = null;

  constructor(readonly expectation: Expectation) {}

  add(c: ConnectionReport): void {
    const e = this.expectation;
    switch (e.kind) {
      case 'all':
        this.considered++;
        if (!fits(c, e.spec)) this.offend(c);
        break;
      case 'none':
        if (fits(c, e.spec) && (e.longerThan === null || lasting(c) > e.longerThan)) this.offend(c);
        break;
      case 'count':
        if (fits(c, e.spec)) {
          this.counted++;
          keepSmallest(this.hits, c, MAX_OFFENDERS, byStream);
        }
        break;
      case 'stream':
        if (c.stream === e.stream) this.stream = c;
        break;
      case 'closer':
        if (c.client.port !== e.port && c.server.port !== e.port) break;
        this.considered++;
        if (c.closer !== e.closer) this.offend(c);
        break;
    }
  }

  verdict(): Verdict {
    const e = this.expectation;
    const off = this.offending;
    const verdict = (offenders: ConnectionReport[], passed: boolean, message: string): Verdict => ({ expectation: e, passed, message, offenders });
    switch (e.kind) {
      case 'all':
        return verdict(this.offenders, off === 0, `${this.considered - off} of ${this.considered} connections are ${e.text.slice(4)}`);
      case 'none':
        return verdict(this.offenders, off === 0, `${off} connection${off === 1 ? '' : 's'} ${e.text.slice(3)}`);
      case 'count': {
        const ok = compare(this.counted, e.op, e.n);
        return verdict(ok ? [] : this.hits, ok, `${this.counted} connection${this.counted === 1 ? '' : 's'} ${e.spec.ending}${e.spec.detail === null ? '' : `:${e.spec.detail}`}`);
      }
      case 'stream': {
        const c = this.stream;
        if (c === null) return verdict([], false, `no stream ${e.stream} in the capture`);
        return verdict(fits(c, e.spec) ? [] : [c], fits(c, e.spec), `stream ${e.stream} is ${c.ending}${c.detail === null ? '' : ` (${c.detail})`}`);
      }
      case 'closer':
        return verdict(this.offenders, this.considered > 0 && off === 0, this.considered === 0 ? `no connection on port ${e.port}` : `${this.considered - off} of ${this.considered} connections on port ${e.port} closed by the ${e.closer}`);
    }
  }

  /** A connection that breaks the expectation: counted, and listed among the first few streams (connections may come in any order). */
  private offend(c: ConnectionReport): void {
    this.offending++;
    keepSmallest(this.offenders, c, MAX_OFFENDERS, byStream);
  }
}

