import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import { EndingSpecError, fitsSpec, parseEndingSpec, specText, type EndingSpec } from '../diagnosis/ending-spec.js';
import { keepSmallest, wouldKeep } from '../diagnosis/keep-smallest.js';
import { byStream, halfClosedFor, type ConnectionReport } from '../diagnosis/report.js';

type Comparison = '<=' | '>=' | '==' | '<' | '>';

/** One parsed expectation; `text` is what the user wrote. */
export type Expectation = { text: string } & (
  | { kind: 'all'; spec: EndingSpec }
  | { kind: 'none'; spec: EndingSpec; longerThan: number | null }
  | { kind: 'count'; spec: EndingSpec; op: Comparison; n: number }
  | { kind: 'stream'; stream: number; spec: EndingSpec }
  | { kind: 'closer'; port: number; closer: 'client' | 'server' | 'both' }
);

/**
 * `error`: the expectation cannot be judged against this capture (it names a stream the
 * capture does not have, or ranges over connections of which there are none).
 */
export type Outcome = 'pass' | 'fail' | 'error';

export interface Verdict {
  expectation: Expectation;
  outcome: Outcome;
  /** One line: what was found. */
  message: string;
  /** The connections that break it, one line each by stream: the first MAX_OFFENDERS, or all. */
  offenders: string[];
  /** How many more break it than are listed. */
  unlisted: number;
}

/** A capture's verdicts, or the one line saying why it could not be read. */
export type Suite = { file: string; verdicts: Verdict[]; warnings?: string[] } | { file: string; unreadable: string };

/** What a set of suites adds up to: test cases (a capture that cannot be read is one), failed, in error. */
export interface Tally {
  tests: number;
  failures: number;
  errors: number;
}

export function tally(suites: readonly Suite[]): Tally {
  const verdicts = suites.flatMap((s) => ('verdicts' in s ? s.verdicts : []));
  const unreadable = suites.filter((s) => 'unreadable' in s).length;
  const count = (o: Outcome): number => verdicts.filter((v) => v.outcome === o).length;
  return { tests: verdicts.length + unreadable, failures: count('fail'), errors: count('error') + unreadable };
}

export class ExpectationError extends Error {}

/** `text` parsed as an ending spec, an error naming the whole expectation. */
function endingSpec(text: string, whole: string): EndingSpec {
  try {
    return parseEndingSpec(text);
  } catch (err) {
    throw err instanceof EndingSpecError ? new ExpectationError(`"${whole}": ${err.message}`) : err;
  }
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
 * The expectations of a rules file: YAML 1.2, of which JSON is a subset, holding a list
 * of expectations or a mapping with an `expect:` list (other keys may hold anchors).
 * Errors are one line, `line L, column C: what`, for the caller to prefix with the file.
 */
export function parseRulesFile(text: string): Expectation[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const at = (offset: number, what: string): ExpectationError => {
    const { line, col } = lines.linePos(offset);
    return new ExpectationError(`line ${line}, column ${col}: ${what}`);
  };
  const start = (node: unknown): number => (isNode(node) ? node.range?.[0] : undefined) ?? 0;
  /** An alias (`*name`) followed to its anchor. */
  const follow = (node: unknown): unknown => {
    if (!isAlias(node)) return node;
    const target = node.resolve(doc);
    if (target === undefined) throw at(start(node), `alias *${node.source} names no anchor before it`);
    return target;
  };
  const [error] = doc.errors;
  if (error !== undefined) throw at(error.pos[0], error.message);
  const top = follow(doc.contents);
  // Besides expect:, a key may only hold anchors for it: a misspelt `expcet:` must not
  // drop its rules quietly.
  if (isMap(top)) {
    for (const pair of top.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (key !== 'expect' && !holdsAnchor(pair.value)) {
        throw at(start(pair.key), `unknown key ${key}: the expectations go under expect: (another key may only hold an &anchor)`);
      }
    }
  }
  const given = isMap(top) ? (top.get('expect', true) ?? top) : top;
  const list = follow(given);
  if (!isSeq(list)) throw at(start(given), 'expected a list of expectations, or a mapping with an expect: list');
  if (list.items.length === 0) throw at(start(list), 'the list of expectations is empty');
  return list.items.map((item, i) => {
    const node = follow(item);
    if (!isScalar(node) || typeof node.value !== 'string') {
      // `- reset: abort` is a mapping to YAML: the colon wants quotes.
      const what = isMap(node) ? 'a mapping (quote an expectation holding ": ")' : isSeq(node) ? 'a list' : String(isScalar(node) ? node.value : node);
      throw at(start(item), `expectation ${i + 1} of the list is not a string: ${what}`);
    }
    try {
      return parseExpectation(node.value);
    } catch (err) {
      throw err instanceof ExpectationError ? at(start(item), err.message) : err;
    }
  });
}

/** Whether a YAML node, or any node inside it, carries an &anchor. */
function holdsAnchor(node: unknown): boolean {
  if (!isNode(node)) return false;
  if (node.anchor !== undefined) return true;
  if (isSeq(node)) return node.items.some(holdsAnchor);
  if (isMap(node)) return node.items.some((pair) => holdsAnchor(pair.value));
  return false;
}

/** How long a connection has been in its ending: a half-closed one since the FIN, others their duration. */
function lasting(c: ConnectionReport): number {
  return halfClosedFor(c) ?? c.end - c.start;
}

const compare = (a: number, op: Comparison, b: number): boolean =>
  op === '<=' ? a <= b : op === '>=' ? a >= b : op === '<' ? a < b : op === '>' ? a > b : a === b;

const connections = (n: number): string => `${n} connection${n === 1 ? '' : 's'}`;

const ended = (c: ConnectionReport): string => `${c.ending}${c.detail === null ? '' : ` (${c.detail})`}`;

/** Offenders listed per failed expectation, unless every one is asked for. */
export const MAX_OFFENDERS = 20;

/** An offending connection as listed: its stream (the order) and its line. */
interface Offender {
  stream: number;
  line: string;
}

/** A verdict's list of offenders, one line each, then how many were left out. */
export function offenderLines(v: Verdict): string[] {
  if (v.unlisted === 0) return v.offenders;
  return [...v.offenders, `... and ${v.unlisted} more ${v.unlisted === 1 ? 'connection' : 'connections'} (--all to list them)`];
}

/**
 * One expectation checked against a capture's connections as they come, in any order,
 * keeping counts and the first offenders by stream as lines, not the connections: a CI
 * job may assert on a capture of any size. `all` lists every offender instead.
 */
export class Check {
  /** Connections seen, and their lowest and highest stream. */
  private seen = 0;
  private lowest = Infinity;
  private highest = -Infinity;
  /** Connections on the port of a `closer` expectation. */
  private onPort = 0;
  /** Connections that break the expectation; for a count, those it counts (they are listed if it fails). */
  private offending = 0;
  private readonly offenders: Offender[] = [];
  /** How the stream of a `stream` expectation ended, once seen. */
  private streamEnded: string | null = null;
  private readonly limit: number;

  constructor(
    readonly expectation: Expectation,
    all = false,
  ) {
    this.limit = all ? 0 : MAX_OFFENDERS;
  }

  add(c: ConnectionReport): void {
    const e = this.expectation;
    this.seen++;
    this.lowest = Math.min(this.lowest, c.stream);
    this.highest = Math.max(this.highest, c.stream);
    switch (e.kind) {
      case 'all':
        if (!fitsSpec(c, e.spec)) this.offend(c);
        break;
      case 'none':
        if (fitsSpec(c, e.spec) && (e.longerThan === null || lasting(c) > e.longerThan)) this.offend(c);
        break;
      case 'count':
        if (fitsSpec(c, e.spec)) this.offend(c);
        break;
      case 'stream':
        if (c.stream !== e.stream) break;
        this.streamEnded = ended(c);
        if (!fitsSpec(c, e.spec)) this.offend(c);
        break;
      case 'closer':
        if (c.client.port !== e.port && c.server.port !== e.port) break;
        this.onPort++;
        if (c.closer !== e.closer) this.offend(c);
        break;
    }
  }

  /**
   * An expectation about connections that are not there is an error, not a verdict
   * (exit 2, a JUnit <error>): `stream 99 is graceful` cannot fail on a capture without
   * stream 99, since nothing was checked, nor pass, since a rule that checks nothing
   * must not keep a CI gate green. It is the rule or the capture that is wrong (a port
   * renamed, a capture filter that dropped the traffic), so it is reported as bad input.
   * `all E` and `closer of port N` say something of every connection (on port N): with
   * none, they would hold vacuously. `no E` and counts are verdicts on a capture with
   * connections (zero resets is an answer), but not on one without any: a capture that
   * recorded no TCP (an empty file, a wrong interface or filter) checked nothing.
   */
  verdict(): Verdict {
    const e = this.expectation;
    const off = this.offending;
    const judged = (passed: boolean, message: string): Verdict => ({
      expectation: e,
      outcome: passed ? 'pass' : 'fail',
      message,
      offenders: passed ? [] : this.offenders.map((o) => o.line),
      unlisted: passed ? 0 : off - this.offenders.length,
    });
    const error = (message: string): Verdict => ({ expectation: e, outcome: 'error', message, offenders: [], unlisted: 0 });
    const none = 'no TCP connections in the capture: nothing was checked';
    switch (e.kind) {
      case 'all':
        if (this.seen === 0) return error(none);
        return judged(off === 0, `${this.seen - off} of ${this.seen} connections are ${e.text.slice(4)}`);
      case 'none':
        if (this.seen === 0) return error(none);
        return judged(off === 0, `${connections(off)} ${e.text.slice(3)}`);
      case 'count':
        if (this.seen === 0) return error(none);
        return judged(compare(off, e.op, e.n), `${connections(off)} ${specText(e.spec)}`);
      case 'stream':
        if (this.streamEnded === null) return error(`no stream ${e.stream} in the capture: ${this.streams()}`);
        return judged(off === 0, `stream ${e.stream} is ${this.streamEnded}`);
      case 'closer':
        if (this.onPort === 0) return error(`no connection used port ${e.port}`);
        return judged(off === 0, `${this.onPort - off} of ${this.onPort} connections on port ${e.port} closed by ${e.closer === 'both' ? 'both sides' : `the ${e.closer}`}`);
    }
  }

  /** The streams the capture has, in words. */
  private streams(): string {
    if (this.seen === 0) return 'it has no TCP connections';
    const range = this.lowest === this.highest ? `${this.lowest}` : `${this.lowest}-${this.highest}`;
    return this.highest - this.lowest + 1 === this.seen ? `it has stream${this.seen === 1 ? '' : 's'} ${range}` : `it has ${this.seen} streams in ${range}`;
  }

  /** A connection that breaks the expectation: counted, and listed if among the first streams (connections come in any order). */
  private offend(c: ConnectionReport): void {
    this.offending++;
    // The line quotes the explanation: made only for the connections that will be listed.
    if (!wouldKeep(this.offenders, c.stream, this.limit, byStream)) return;
    keepSmallest(this.offenders, { stream: c.stream, line: `stream ${c.stream}: ${ended(c)}, frames ${c.evidence.join(', ')}: ${c.explanation}` }, this.limit, byStream);
  }
}
