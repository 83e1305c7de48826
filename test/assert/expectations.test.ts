import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/analyze.js';
import { Check, ExpectationError, parseExpectation, parseRulesFile, type Expectation, type Verdict } from '../../src/assert/expectations.js';
import type { ConnectionReport } from '../../src/report/connection-report.js';
import { REPO } from '../helpers/paths.js';

/** Feeds every connection to one builder, as the command does. */
function evaluate(e: Expectation, connections: readonly ConnectionReport[]): Verdict {
  const check = new Check(e);
  for (const c of connections) check.add(c);
  return check.verdict();
}

const DEMO = join(REPO, 'fixtures', 'demo.pcap');

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

  it('read rules files in JSON and in the YAML list form', () => {
    expect(parseRulesFile('{"expect": ["all graceful", "no reset"]}')).toEqual(['all graceful', 'no reset']);
    expect(parseRulesFile('# CI rules\nexpect:\n  - all graceful\n  - "no reset"  # none\n')).toEqual(['all graceful', 'no reset']);
    expect(() => parseRulesFile('expect:\n  all graceful')).toThrow(/not a "- expectation" line/);
  });

  it('evaluate against real connections', async () => {
    const { connections } = await analyzeFile(DEMO);
    const check = (text: string) => evaluate(parseExpectation(text), connections);
    expect(check('all graceful').passed).toBe(false);
    expect(check('refused == 1').passed).toBe(true);
    expect(check('refused > 1').passed).toBe(false);
    expect(check('no reset:stale').offenders.map((c) => c.detail)).toEqual(['stale']);
    expect(check('no half-closed longer than 1s').passed).toBe(false);
    expect(check('no half-closed longer than 100s').passed).toBe(true);
    expect(check('stream 3 is simultaneous-close').passed).toBe(true);
    expect(check('stream 999 is open').message).toBe('no stream 999 in the capture');
    expect(check('closer of port 8081 is client').passed).toBe(true);
    expect(check('closer of port 8081 is server').passed).toBe(false);
  });
});
