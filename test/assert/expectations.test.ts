import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import { Check, ExpectationError, MAX_OFFENDERS, offenderLines, parseExpectation, parseRulesFile, type Expectation, type Verdict } from '../../src/assert/expectations.js';
import { DETAILS, ENDINGS } from '../../src/diagnosis/types.js';
import type { ConnectionReport } from '../../src/diagnosis/report.js';
import { REPO } from '../helpers/paths.js';

/** Feeds every connection to one builder, as the command does. */
function evaluate(e: Expectation, connections: readonly ConnectionReport[], all = false): Verdict {
  const check = new Check(e, all);
  for (const c of connections) check.add(c);
  return check.verdict();
}

const DEMO = join(REPO, 'fixtures', 'demo.pcap');
const MIXED = join(REPO, 'fixtures', 'lab', 'mixed.pcap');

/** The texts of a rules file's expectations. */
const rules = (text: string): string[] => parseRulesFile(text).map((e) => e.text);

describe('expectations', () => {
  it('parse the forms the README lists', () => {
    expect(parseExpectation('all graceful')).toMatchObject({ kind: 'all', spec: { ending: 'graceful', detail: null } });
    expect(parseExpectation('no  reset')).toMatchObject({ kind: 'none', longerThan: null });
    expect(parseExpectation('no half-closed longer than 5s')).toMatchObject({ kind: 'none', longerThan: 5 });
    expect(parseExpectation('reset:abort <= 2')).toMatchObject({ kind: 'count', op: '<=', n: 2, spec: { ending: 'reset', detail: 'abort' } });
    expect(parseExpectation('refused=0')).toMatchObject({ kind: 'count', op: '==', n: 0 });
    expect(parseExpectation('stream 3 is timeout/connect')).toMatchObject({ kind: 'stream', stream: 3, spec: { ending: 'timeout', detail: 'connect' } });
    expect(parseExpectation('closer of port 8080 is server')).toMatchObject({ kind: 'closer', port: 8080, closer: 'server' });
  });

  it('reject what they do not understand, naming it', () => {
    expect(() => parseExpectation('all exploded')).toThrow(ExpectationError);
    expect(() => parseExpectation('all exploded')).toThrow(/unknown ending exploded/);
    expect(() => parseExpectation('make it work')).toThrow(/not an expectation/);
  });

  it('accept every detail each ending carries, spaces written as hyphens, in every form', () => {
    for (const ending of ENDINGS) {
      for (const detail of DETAILS[ending]) {
        const word = detail.replace(/ /g, '-');
        for (const text of [`all ${ending}:${word}`, `no ${ending}:${word}`, `${ending}:${word} <= 1`, `stream 0 is ${ending}/${word}`]) {
          expect(parseExpectation(text), text).toMatchObject({ spec: { ending, detail: word } });
        }
      }
    }
    expect(parseExpectation('no unreachable:code-13')).toMatchObject({ spec: { ending: 'unreachable', detail: 'code-13' } });
  });

  it('refuse a detail the ending never carries, listing those it does', () => {
    expect(() => parseExpectation('no reset:aborted')).toThrow(
      new ExpectationError('"no reset:aborted": unknown detail aborted of reset (one of abort, after-close, stale, late-fin, handshake, injected)'),
    );
    expect(() => parseExpectation('reset:bogus == 0')).toThrow(/^"reset:bogus == 0": unknown detail bogus of reset \(one of abort, /);
    expect(() => parseExpectation('no timeout:conect')).toThrow('"no timeout:conect": unknown detail conect of timeout (one of connect, retransmission, keepalive)');
    expect(() => parseExpectation('all graceful:three-segment')).toThrow('(one of three-segment-close, four-segment-close)');
    expect(() => parseExpectation('no unreachable:code-x')).toThrow(/unknown detail code-x of unreachable \(one of net-unreachable, .*, address-unreachable, code-N\)$/);
    expect(() => parseExpectation('stream 2 is open/idle')).toThrow('"stream 2 is open/idle": unknown detail idle of open (open carries no detail)');
    // What follows a second separator is part of the detail, not dropped.
    expect(() => parseExpectation('no reset:abort:x')).toThrow('unknown detail abort:x of reset');
  });

  it('evaluate against real connections', async () => {
    const { connections } = await analyzeFile(DEMO);
    const check = (text: string) => evaluate(parseExpectation(text), connections);
    expect(check('all graceful').outcome).toBe('fail');
    expect(check('refused == 1').outcome).toBe('pass');
    expect(check('refused > 1').outcome).toBe('fail');
    expect(check('no reset:stale').offenders).toEqual([expect.stringMatching(/^stream \d+: reset \(stale\), frames [\d, ]+: /)]);
    expect(check('no half-closed longer than 1s').outcome).toBe('fail');
    expect(check('no half-closed longer than 100s').outcome).toBe('pass');
    expect(check('stream 3 is simultaneous-close').outcome).toBe('pass');
    expect(check('closer of port 8081 is client').outcome).toBe('pass');
    expect(check('closer of port 8081 is server').outcome).toBe('fail');
    // A written detail matches the diagnosis's spaced one.
    const threeSegment = connections.filter((c) => c.detail === 'three-segment close').length;
    expect(threeSegment).toBeGreaterThan(0);
    expect(check(`graceful:three-segment-close == ${threeSegment}`).outcome).toBe('pass');
  });

  it('compare counts exactly at, just under and just over the bound, with every operator', async () => {
    const { connections } = await analyzeFile(MIXED);
    const refused = connections.filter((c) => c.ending === 'refused').length;
    expect(refused).toBeGreaterThan(1);
    const holds = (op: string, n: number): boolean => {
      const v = evaluate(parseExpectation(`refused ${op} ${n}`), connections);
      expect(v.message).toBe(`${refused} connections refused`);
      return v.outcome === 'pass';
    };
    const truth: Record<string, (a: number, b: number) => boolean> = {
      '<=': (a, b) => a <= b, '<': (a, b) => a < b, '>=': (a, b) => a >= b, '>': (a, b) => a > b, '==': (a, b) => a === b, '=': (a, b) => a === b,
    };
    for (const [op, compare] of Object.entries(truth)) {
      for (const n of [refused - 1, refused, refused + 1]) expect(holds(op, n), `${refused} ${op} ${n}`).toBe(compare(refused, n));
    }
    // A failed count lists the connections it counted, so the reader sees what to look at.
    expect(evaluate(parseExpectation(`refused < ${refused}`), connections).offenders).toHaveLength(Math.min(refused, MAX_OFFENDERS));
  });

  it('are errors, not verdicts, about a stream or port the capture lacks, or every connection of none', async () => {
    const { connections } = await analyzeFile(DEMO);
    const check = (text: string, among = connections) => evaluate(parseExpectation(text), among);
    expect(check('stream 999 is open')).toMatchObject({ outcome: 'error', message: 'no stream 999 in the capture: it has streams 0-27', offenders: [] });
    expect(check('closer of port 9999 is server')).toMatchObject({ outcome: 'error', message: 'no connection used port 9999' });
    expect(check('stream 0 is open', [])).toMatchObject({ outcome: 'error', message: 'no stream 0 in the capture: it has no TCP connections' });
    expect(check('all graceful', [])).toMatchObject({ outcome: 'error', message: 'no TCP connections in the capture: nothing was checked' });
    expect(check('stream 5 is open', connections.slice(0, 1))).toMatchObject({ outcome: 'error', message: 'no stream 5 in the capture: it has stream 0' });
    expect(check('stream 1 is open', [connections[0]!, connections[2]!])).toMatchObject({ outcome: 'error', message: 'no stream 1 in the capture: it has 2 streams in 0-2' });
    // Zero is an answer to these, on a capture with connections; without any, nothing was checked.
    expect(check('no reset:injected').outcome).toBe('pass');
    expect(check('no reset', []).outcome).toBe('error');
    expect(check('refused >= 1', []).outcome).toBe('error');
  });

  it(`list the first ${MAX_OFFENDERS} offenders by stream and count the rest, or all of them`, async () => {
    const { connections } = await analyzeFile(MIXED);
    const resets = connections.filter((c) => c.ending === 'reset').map((c) => c.stream).sort((a, b) => a - b);
    expect(resets.length).toBeGreaterThan(MAX_OFFENDERS);
    const streams = (v: Verdict): number[] => v.offenders.map((line) => Number(/^stream (\d+):/.exec(line)![1]));
    for (const text of ['no reset', 'reset <= 1']) {
      const first = evaluate(parseExpectation(text), [...connections].reverse());
      expect(streams(first)).toEqual(resets.slice(0, MAX_OFFENDERS));
      expect(first.unlisted).toBe(resets.length - MAX_OFFENDERS);
      expect(offenderLines(first).at(-1)).toBe(`... and ${resets.length - MAX_OFFENDERS} more connections (--all to list them)`);
      const every = evaluate(parseExpectation(text), [...connections].reverse(), true);
      expect(streams(every)).toEqual(resets);
      expect(every.unlisted).toBe(0);
      expect(offenderLines(every)).toEqual(every.offenders);
    }
  });
});

describe('rules files', () => {
  it('read JSON, and YAML lists top-level or under expect:', () => {
    expect(rules('{"expect": ["all graceful", "no reset"]}')).toEqual(['all graceful', 'no reset']);
    expect(rules('{\n\t"expect": [\n\t\t"refused == 0"\n\t]\n}\n')).toEqual(['refused == 0']);
    expect(rules('["no reset"]')).toEqual(['no reset']);
    expect(rules('- all graceful\n- no reset\n')).toEqual(['all graceful', 'no reset']);
  });

  it('take a key besides expect: when something in it is an anchor, even one item of a list', () => {
    expect(rules('shared:\n  - plain text\n  - &a no reset\nexpect:\n  - *a\n')).toEqual(['no reset']);
  });

  it('read comments, quotes of both kinds, flow lists, anchors and aliases', () => {
    const yaml = [
      '# CI rules',
      'shared:',
      '  - &resets "reset: abort" # never used as is',
      '  - &refusals refused <= 3',
      'expect:   # what must hold',
      '  - all graceful   # a comment, not part of it',
      "  - 'no reset:stale'",
      '  - "closer of port 8081 is client"',
      '  - *refusals',
      '  - no # not a comment without a space before: "no" alone',
    ];
    expect(() => rules(yaml.join('\n'))).toThrow(/^line 10, column 5: "no": not an expectation/);
    expect(rules(yaml.slice(0, -1).join('\n'))).toEqual(['all graceful', 'no reset:stale', 'closer of port 8081 is client', 'refused <= 3']);
    expect(rules('common: &list [no reset, "refused == 0"]\nexpect: *list\n')).toEqual(['no reset', 'refused == 0']);
    expect(rules('expect: [all graceful, \'no timeout\', "stream 3 is open"]')).toEqual(['all graceful', 'no timeout', 'stream 3 is open']);
  });

  it('say what is wrong in one line with its line and column', () => {
    const error = (text: string): string => {
      try {
        parseRulesFile(text);
      } catch (err) {
        expect(err).toBeInstanceOf(ExpectationError);
        return (err as Error).message;
      }
      throw new Error('no error');
    };
    expect(error('expect:\n  - no reset\n  all graceful: 1\n')).toBe('line 3, column 1: All mapping items must start at the same column');
    expect(error('{"expect": ["no reset",\n  "all graceful"\n')).toMatch(/^line 3, column 1: /);
    expect(error('expect:\n  - no reset\n  - reset: abort\n')).toBe('line 3, column 5: expectation 2 of the list is not a string: a mapping (quote an expectation holding ": ")');
    expect(error('- no reset\n- 42\n')).toBe('line 2, column 3: expectation 2 of the list is not a string: 42');
    expect(error('- [no reset]\n')).toBe('line 1, column 3: expectation 1 of the list is not a string: a list');
    expect(error('expect:\n  - no reset\n  - all fine\n')).toMatch(/^line 3, column 5: "all fine": unknown ending fine/);
    expect(error('expect:\n  - no reset:aborted\n')).toMatch(/^line 2, column 5: "no reset:aborted": unknown detail aborted of reset/);
    expect(error('expect:\n  - *missing\n')).toBe('line 2, column 5: alias *missing names no anchor before it');
    expect(error('expect: []\n')).toBe('line 1, column 9: the list of expectations is empty');
    expect(error('expects:\n  - no reset\n')).toBe('line 1, column 1: unknown key expects: the expectations go under expect: (another key may only hold an &anchor)');
    expect(error('')).toBe('line 1, column 1: expected a list of expectations, or a mapping with an expect: list');
    // A single expectation under expect: is a string, not a list: the line and column are its own.
    expect(error('# rules\nexpect: no reset\n')).toBe('line 2, column 9: expected a list of expectations, or a mapping with an expect: list');
    expect(error('expect:\n  - no reset\nexpect:\n  - all graceful\n')).toMatch(/^line 3, column 1: .*unique/);
  });
});
