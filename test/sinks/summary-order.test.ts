import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TableRows } from '../../src/sinks/table.js';
import { connectionReport, type ConnectionReport } from '../../src/diagnosis/report.js';
import { SummaryBuilder } from '../../src/sinks/summary.js';
import { TriageBuilder } from '../../src/sinks/triage.js';
import { Check, parseExpectation } from '../../src/assert/expectations.js';
import { connectionsOf } from '../helpers/track.js';
import { REPO } from '../helpers/paths.js';

/** The table, triage and assert are fed in the order connections finish: what they show must not depend on that order. */
describe('table, summary, triage and assert in any arrival order', () => {
  it('give what stream order gives (300 mixed lab connections, shuffled and reversed)', async () => {
    const { connections } = await connectionsOf(join(REPO, 'fixtures', 'lab', 'mixed.pcap'));
    const inOrder = connections.map((c) => connectionReport(c));
    let seed = 3;
    const shuffled = [...inOrder].sort(() => ((seed = (seed * 48271) % 2147483647) % 3) - 1);
    const orders = [shuffled, [...inOrder].reverse()];
    expect(shuffled.map((c) => c.stream)).not.toEqual(inOrder.map((c) => c.stream));
    for (const [limit, sort] of [[10, 'capture'], [7, 'problems'], [0, 'problems']] as const) {
      const render = (reports: ConnectionReport[]): string => {
        const rows = new TableRows(limit, sort);
        for (const r of reports) rows.add(r);
        return rows.render('mixed.pcap', false, { width: null, colour: false, time: 'absolute' }, null);
      };
      const expected = render(inOrder);
      for (const order of orders) expect(render(order)).toBe(expected);
    }
    const summary = (reports: ConnectionReport[]): string => {
      const b = new SummaryBuilder();
      for (const r of reports) b.add(r);
      return JSON.stringify(b.summary());
    };
    for (const order of orders) expect(summary(order)).toBe(summary(inOrder));
    const triage = (reports: ConnectionReport[]): string => {
      const b = new TriageBuilder();
      for (const r of reports) b.add(r);
      return JSON.stringify(b.result());
    };
    for (const order of orders) expect(triage(order)).toBe(triage(inOrder));
    const verdicts = (reports: ConnectionReport[]): string => {
      const checks = ['no reset', 'refused > 1', 'all graceful', 'closer of port 8110 is server', 'stream 7 is reset'].map((e) => new Check(parseExpectation(e)));
      for (const r of reports) for (const c of checks) c.add(r);
      return JSON.stringify(checks.map((c) => c.verdict()));
    };
    for (const order of orders) expect(verdicts(order)).toBe(verdicts(inOrder));
  });

  it('triage words a group after its first stream, whichever member arrives first', async () => {
    const { connections } = await connectionsOf(join(REPO, 'fixtures', 'lab', 'mixed.pcap'));
    const base = connectionReport(connections[0]!);
    // Two half-open members: which side stopped answering is read from the group's first.
    const member = (stream: number, clientUnacked: boolean): ConnectionReport => {
      const copy = structuredClone(base);
      copy.stream = stream;
      copy.ending = 'half-open';
      copy.detail = null;
      copy.closer = null;
      copy.sides.client.unackedSeries = clientUnacked ? { seq: 1, kind: 'data', frames: [1, 2], times: [1, 2] } : null;
      copy.sides.client.lastKeepaliveFrame = null;
      return copy;
    };
    const pattern = (reports: ConnectionReport[]): string => {
      const b = new TriageBuilder();
      for (const r of reports) b.add(r);
      return b.result().groups[0]!.pattern;
    };
    const first = member(3, true);
    const later = member(9, false);
    expect(pattern([later, first])).toBe(pattern([first, later]));
    expect(pattern([first, later])).toContain('the server stopped answering');
  });
});
