import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import { Check, ExpectationError, MAX_OFFENDERS, offenderLines, parseExpectation, tally, type Suite, type Verdict } from '../../src/assert/expectations.js';
import { junitXml } from '../../src/sinks/junit.js';
import type { ConnectionReport } from '../../src/diagnosis/report.js';
import { REPO } from '../helpers/paths.js';
import { wellFormed } from '../helpers/xml.js';

/**
 * Verdicts in full, as a CI log shows them: outcome, message, and each offender's line,
 * on the demo capture (one connection of every ending, streams 0-27). What they are
 * expected to say is worked out here from the connections, not taken from the code.
 */
const DEMO = join(REPO, 'fixtures', 'demo.pcap');
let demo: ConnectionReport[];
beforeAll(async () => {
  demo = (await analyzeFile(DEMO)).connections;
});

function judge(text: string, among: readonly ConnectionReport[] = demo, all = false): Verdict {
  const check = new Check(parseExpectation(text), all);
  for (const c of [...among].reverse()) check.add(c);
  return check.verdict();
}

/** An offender's line, as the CI log lists it. */
const line = (c: ConnectionReport): string => `stream ${c.stream}: ${c.ending}${c.detail === null ? '' : ` (${c.detail})`}, frames ${c.evidence.join(', ')}: ${c.explanation}`;
const plural = (n: number): string => `${n} connection${n === 1 ? '' : 's'}`;

describe('verdicts, word for word', () => {
  it('all E: how many of how many, and every connection that is not', () => {
    const fine = demo.filter((c) => c.ending === 'graceful');
    const v = judge('all graceful');
    expect(v).toEqual({
      expectation: expect.objectContaining({ text: 'all graceful' }),
      outcome: 'fail',
      message: `${fine.length} of ${demo.length} connections are graceful`,
      offenders: demo.filter((c) => c.ending !== 'graceful').slice(0, MAX_OFFENDERS).map(line),
      unlisted: Math.max(0, demo.length - fine.length - MAX_OFFENDERS),
    });
    const only = demo.filter((c) => c.ending === 'graceful');
    expect(judge('all graceful', only)).toMatchObject({ outcome: 'pass', message: `${only.length} of ${only.length} connections are graceful`, offenders: [], unlisted: 0 });
    expect(judge('all graceful:three-segment-close', only).offenders).toEqual(only.filter((c) => c.detail !== 'three-segment close').map(line));
  });

  it('no E: the count in words, singular and plural', () => {
    const resets = demo.filter((c) => c.ending === 'reset');
    expect(judge('no reset')).toMatchObject({ outcome: 'fail', message: `${plural(resets.length)} reset`, offenders: resets.map(line) });
    expect(judge('no refused')).toMatchObject({ outcome: 'fail', message: '1 connection refused' });
    expect(judge('no refused', demo.filter((c) => c.ending !== 'refused'))).toMatchObject({ outcome: 'pass', message: '0 connections refused', offenders: [] });
  });

  it('no E longer than Ns: a half-closed connection counts from its FIN, exactly at the bound it holds', () => {
    const [leak] = demo.filter((c) => c.ending === 'half-closed');
    const closer = leak!.closer as 'client' | 'server';
    const fin = leak!.timeline[closer].find((s) => s.frame === leak!.sides[closer].finFrame)!;
    const since = leak!.reportedAt - fin.time;
    // Counted from the FIN, not from the connection's start.
    expect(leak!.end - leak!.start).not.toBeCloseTo(since, 1);
    const at = (seconds: number): string => judge(`no half-closed longer than ${seconds.toFixed(3)}s`, [leak!]).outcome;
    expect(at(Math.floor(since * 1000) / 1000 - 0.001)).toBe('fail');
    expect(at(Math.ceil(since * 1000) / 1000 + 0.001)).toBe('pass');
    expect(judge(`no half-closed longer than ${since}s`, [{ ...leak!, reportedAt: fin.time + Number(`${since}`) }]).outcome).toBe('pass');
    // Other endings go by their duration.
    const [refused] = demo.filter((c) => c.ending === 'refused');
    const lasted = refused!.end - refused!.start;
    expect(judge(`no refused longer than ${lasted + 1}s`, [refused!]).outcome).toBe('pass');
    expect(judge('no refused longer than 0s', [{ ...refused!, end: refused!.start + 0.5 }]).outcome).toBe('fail');
  });

  it('E OP N: the count and what was counted, with the detail as written', () => {
    const aborts = demo.filter((c) => c.detail === 'abort');
    expect(judge(`reset:abort <= ${aborts.length - 1}`)).toMatchObject({ outcome: 'fail', message: `${plural(aborts.length)} reset:abort`, offenders: aborts.map(line) });
    expect(judge(`reset:abort == ${aborts.length}`)).toMatchObject({ outcome: 'pass', message: `${plural(aborts.length)} reset:abort`, offenders: [] });
    expect(judge('timeout == 0')).toMatchObject({ outcome: 'fail', message: `${plural(demo.filter((c) => c.ending === 'timeout').length)} timeout` });
  });

  it('stream N is E: how the stream ended', () => {
    const c = demo[12]!;
    expect(judge('stream 12 is reset/after-close')).toMatchObject({ outcome: 'pass', message: `stream 12 is reset (after-close)`, offenders: [] });
    expect(judge('stream 12 is reset/abort')).toMatchObject({ outcome: 'fail', message: `stream 12 is reset (after-close)`, offenders: [line(c)] });
    expect(judge('stream 3 is simultaneous-close')).toMatchObject({ outcome: 'pass', message: 'stream 3 is simultaneous-close' });
  });

  it('closer of port N: how many on the port, closed by whom', () => {
    const on = demo.filter((c) => c.server.port === 8081 || c.client.port === 8081);
    expect(on).toHaveLength(1);
    expect(judge('closer of port 8081 is client')).toMatchObject({ outcome: 'pass', message: '1 of 1 connections on port 8081 closed by the client' });
    expect(judge('closer of port 8081 is both')).toMatchObject({ outcome: 'fail', message: '0 of 1 connections on port 8081 closed by both sides', offenders: on.map(line) });
    // A connection on another port does not count.
    expect(judge('closer of port 8081 is client', demo.slice(0, 3))).toMatchObject({ message: '1 of 1 connections on port 8081 closed by the client' });
    // The client's port counts as well as the server's.
    const clientPort = demo[0]!.client.port;
    expect(judge(`closer of port ${clientPort} is client`, demo.slice(0, 1))).toMatchObject({ outcome: 'pass', message: `1 of 1 connections on port ${clientPort} closed by the client` });
  });

  it('list offenders by stream whatever the order they come in, and the rest as one line', () => {
    const twice = [...demo, ...demo.map((c) => ({ ...c, stream: c.stream + 100 }))];
    const v = judge('all graceful', twice);
    const bad = twice.filter((c) => c.ending !== 'graceful').sort((a, b) => a.stream - b.stream);
    expect(v.offenders).toEqual(bad.slice(0, MAX_OFFENDERS).map(line));
    expect(v.unlisted).toBe(bad.length - MAX_OFFENDERS);
    expect(offenderLines(v)).toEqual([...bad.slice(0, MAX_OFFENDERS).map(line), `... and ${bad.length - MAX_OFFENDERS} more connections (--all to list them)`]);
    expect(offenderLines(judge('all graceful', twice, true))).toEqual(bad.map(line));
    const one = judge('all graceful', bad.slice(0, MAX_OFFENDERS + 1));
    expect(offenderLines(one).at(-1)).toBe('... and 1 more connection (--all to list them)');
  });
});

describe('expectations read whole', () => {
  it('refuse text before or after a form, naming what was written', () => {
    for (const text of ['all graceful please', 'please all graceful', 'no reset now', 'x no reset', 'reset <= 2x', 'the reset <= 2', 'stream 3 is open!', 'stream 3 is open now', 'a stream 3 is open', 'closer of port 80 is client!', 'the closer of port 80 is client', 'no reset longer than 5 s!']) {
      expect(() => parseExpectation(text), text).toThrow(ExpectationError);
    }
    expect(() => parseExpectation('  all  graceful please ')).toThrow('"all  graceful please": not an expectation (all E | no E [longer than Ns] | E OP N | stream N is E | closer of port N is client|server|both)');
    expect(() => parseExpectation('all fine')).toThrow('"all fine": unknown ending fine (one of graceful, simultaneous-close, half-closed, reset, refused, unreachable, timeout, half-open, open, not-established)');
  });

  it('read numbers whole: several digits, fractions of seconds', () => {
    expect(parseExpectation('refused <= 12')).toMatchObject({ n: 12 });
    expect(parseExpectation('no half-closed longer than 12.75s')).toMatchObject({ longerThan: 12.75 });
    expect(parseExpectation('no half-closed longer than 5 s')).toMatchObject({ longerThan: 5 });
    expect(parseExpectation('stream 123 is open')).toMatchObject({ stream: 123 });
    expect(parseExpectation('closer of port 8443 is both')).toMatchObject({ port: 8443 });
  });
});

describe('JUnit', () => {
  it('counts tests, failures and errors per capture and in all, and says why each failed', () => {
    const suites: Suite[] = [
      { file: 'demo.pcap', verdicts: [judge('no reset'), judge('refused <= 1'), judge('stream 99 is open')] },
      { file: 'text & <more>.txt', unreadable: 'teardown: text.txt: not a pcap or pcapng capture at byte 0' },
    ];
    expect(tally(suites)).toEqual({ tests: 4, failures: 1, errors: 2 });
    expect(tally([suites[0]!])).toEqual({ tests: 3, failures: 1, errors: 1 });
    const xml = junitXml(suites);
    expect(wellFormed(xml)).toBe(true);
    const resets = demo.filter((c) => c.ending === 'reset');
    const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="teardown assert" tests="4" failures="1" errors="2">',
        '  <testsuite name="demo.pcap" tests="3" failures="1" errors="1">',
        `    <testcase classname="demo.pcap" name="no reset">`,
        `      <failure message="${plural(resets.length)} reset">${escape(resets.map(line).join('\n'))}</failure>`,
        '    </testcase>',
        '    <testcase classname="demo.pcap" name="refused &lt;= 1"/>',
        '    <testcase classname="demo.pcap" name="stream 99 is open">',
        '      <error message="no stream 99 in the capture: it has streams 0-27"/>',
        '    </testcase>',
        '  </testsuite>',
        '  <testsuite name="text &amp; &lt;more&gt;.txt" tests="1" failures="0" errors="1">',
        '    <testcase classname="text &amp; &lt;more&gt;.txt" name="read the capture">',
        '      <error message="teardown: text.txt: not a pcap or pcapng capture at byte 0"/>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('lists the connections left out of a failure as a line, and all of them when asked', () => {
    const twice = [...demo, ...demo.map((c) => ({ ...c, stream: c.stream + 100 }))];
    const some = junitXml([{ file: 'x', verdicts: [judge('all graceful', twice)] }]);
    expect(some).toMatch(/\n\.\.\. and \d+ more connections \(--all to list them\)<\/failure>/);
    const all = junitXml([{ file: 'x', verdicts: [judge('all graceful', twice, true)] }]);
    expect(all).not.toContain('more connections');
    expect(all.match(/(^|>)stream \d+: /gm)).toHaveLength(twice.filter((c) => c.ending !== 'graceful').length);
  });
});

describe('the edges mutation testing found untested', () => {
  it('lists the first offenders unless all are asked for, by default', () => {
    const twice = [...demo, ...demo.map((c) => ({ ...c, stream: c.stream + 100 }))];
    const check = new Check(parseExpectation('all graceful'));
    for (const c of twice) check.add(c);
    expect(check.verdict().offenders).toHaveLength(MAX_OFFENDERS);
  });

  it('reads an expectation with spaces around it', () => {
    expect(parseExpectation('   all graceful   ')).toMatchObject({ kind: 'all', text: 'all graceful' });
  });

  it('times an ending other than half-closed by its duration, even when it had a FIN', () => {
    const c = demo[12]!;
    expect(c.sides.server.finFrame).not.toBeNull();
    const lasted = c.end - c.start;
    expect(judge(`no reset:after-close longer than ${(lasted - 0.01).toFixed(3)}s`, [c]).outcome).toBe('fail');
    expect(judge(`no reset:after-close longer than ${(lasted + 0.01).toFixed(3)}s`, [c]).outcome).toBe('pass');
  });

  it('drops control characters JUnit XML cannot hold', () => {
    const xml = junitXml([{ file: 'x', unreadable: 'teardown: x: odd \u0001byte\u001f at byte 3' }]);
    expect(xml).toContain('<error message="teardown: x: odd byte at byte 3"/>');
  });
});
