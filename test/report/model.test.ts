import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ConnectionReport } from '../../src/diagnosis/report.js';
import { isProblem } from '../../src/pipeline/filter.js';
import { reportHtml } from '../../src/sinks/report/html.js';
import { ladderSvg } from '../../src/sinks/report/ladder-svg.js';
import { closeDelay, ReportCollector } from '../../src/sinks/report/model.js';
import { teardown } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

const DEMO = join(REPO, 'fixtures', 'demo.pcap');
const reports = async (): Promise<ConnectionReport[]> => JSON.parse((await teardown(['analyze', DEMO, '--format', 'json'])).stdout).connections;

describe('the report: what its numbers mean', () => {
  it('closeDelay: who closed first, and how long after the data before it (data after the close does not count)', async () => {
    const all = await reports();
    const stream = (n: number) => all.find((c) => c.stream === n)!;
    // Stream 12: the server closed 0.991 s after its last data; the client wrote after that, then the RST.
    const afterClose = closeDelay(stream(12))!;
    expect(afterClose.kind).toBe('server FIN');
    expect(afterClose.seconds).toBeCloseTo(stream(12).sides.server.finTime! - stream(12).sides.server.lastDataTime, 6);
    expect(afterClose.seconds).toBeGreaterThan(0.9);
    // Stream 10: the client aborted with RST right after the data.
    const abort = closeDelay(stream(10))!;
    expect(abort.kind).toBe('client RST');
    // Stream 9, refused: no data, no bar.
    expect(closeDelay(stream(9))).toBeNull();
  });

  it('the time chart has a bar per interval over the whole span, quiet ones empty, and every connection in one', async () => {
    const all = await reports();
    const collector = new ReportCollector({ detail: 5 });
    for (const c of all) collector.connection(c);
    await collector.fileEnd('demo.pcap', { warnings: [], firstPacket: null, count: { reported: all.length, kept: all.length }, failure: null } as never);
    const model = collector.result();
    const html = reportHtml({ model, ladders: new Map(), chartJs: '', version: 'test' });
    const charts = JSON.parse(/<script type="application\/json" id="report-charts">(.*?)<\/script>/s.exec(html)![1]!).charts as Array<{ id: string; labels: string[]; series: Array<{ values: number[] }> }>;
    const overTime = charts.find((c) => c.id === 'chart-over-time')!;
    const span = Math.max(...all.map((c) => c.start)) - Math.min(...all.map((c) => c.start));
    // 213 s of starts, a bar per second: more bars than seconds with a connection.
    expect(overTime.labels.length).toBe(Math.floor(Math.max(...all.map((c) => c.start))) - Math.floor(Math.min(...all.map((c) => c.start))) + 1);
    expect(overTime.labels.length).toBeGreaterThan(span);
    expect(overTime.series.flatMap((s) => s.values).reduce((a, b) => a + b, 0)).toBe(all.length);
    // At most five rows: four problems and one of the others.
    expect(model.rows.length).toBe(5);
    expect(model.rows.filter((r) => isProblem(r.report)).length).toBe(4);
  });

  it('escapes what comes from the capture or the command line, in the page and in its script data', async () => {
    const all = await reports();
    const collector = new ReportCollector({ detail: 5, displayName: () => '</script><script>alert(1)</script>' });
    for (const c of all) collector.connection(c);
    await collector.fileEnd('x', { warnings: ['<b>warning</b>'], firstPacket: null, count: { reported: all.length, kept: all.length }, failure: null } as never);
    const html = reportHtml({ model: collector.result(), ladders: new Map(), chartJs: '', version: 'test' });
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<b>warning</b>');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('the drawn ladder marks a state change with * only when it is inferred or made by a timer, as the text ladder does', async () => {
    const c = (await reports()).find((x) => x.stream === 0)!;
    // No segment drawn: every change is a rung of its own, with its frame.
    const svg = ladderSvg(c, [], 0, 'l');
    for (const step of [...c.timeline.client, ...c.timeline.server]) {
      const mark = step.inferred || step.frame === null ? '*' : '';
      const at = step.frame === null ? 'timer' : `#${step.frame}`;
      expect(svg).toContain(`>${step.state}${mark} (${at}: ${step.cause.replace(/&/g, '&amp;')})<`);
    }
  });
});
