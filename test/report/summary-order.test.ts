import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TableRows } from '../../src/cli/commands/analyze/table.js';
import { connectionReport, type ConnectionReport } from '../../src/report/connection-report.js';
import { SummaryBuilder } from '../../src/report/summary.js';
import { connectionsOf } from '../helpers/track.js';
import { REPO } from '../helpers/paths.js';

/** The table is fed in the order connections finish: what it shows must not depend on that order. */
describe('table and summary in any arrival order', () => {
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
        return rows.render('mixed.pcap', false);
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
  });
});
