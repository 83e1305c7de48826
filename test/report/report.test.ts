import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { teardown } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';

/** Debian's chromium (`.ci/run` installs it); CHROMIUM names another. */
const CHROMIUM = [process.env.CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p !== undefined && existsSync(p));
if (CHROMIUM === undefined) console.warn('test/report: skipped, no chromium here (apt-get install chromium, or set CHROMIUM)');

const MIXED = join(REPO, 'fixtures', 'lab', 'mixed.pcap');
/** Kept after the run: the page as a browser drew it. */
const ARTIFACTS = join(REPO, 'dist', 'test-artifacts');
const dir = mkdtempSync(join(tmpdir(), 'report-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Connection {
  stream: number;
  ending: string;
  server: { ip: string; port: number };
  start: number;
  end: number;
}

describe.skipIf(CHROMIUM === undefined)('teardown report, in a real browser', () => {
  let browser: Browser;
  let connections: Connection[];
  const errors: string[] = [];
  const requests: string[] = [];

  /** The report of `args`, opened; every console error and every request it makes is noted. */
  async function open(file: string): Promise<Page> {
    const page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    await page.setViewport({ width: 1280, height: 1600 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    return page;
  }

  beforeAll(async () => {
    const { default: puppeteer } = await import('puppeteer-core');
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    connections = JSON.parse((await teardown(['analyze', MIXED, '--format', 'json'])).stdout).connections;
  }, 60000);
  afterAll(async () => {
    await browser?.close();
  });

  it('loads from disk with no console error and fetches nothing; the charts draw the numbers of the JSON output', async () => {
    const file = join(dir, 'mixed.html');
    const run = await teardown(['report', MIXED, '-o', file]);
    expect(run.code).toBe(0);
    const page = await open(file);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'report-mixed.png'), fullPage: false });
    expect(errors).toEqual([]);
    expect(requests).toEqual([pathToFileURL(file).href]);

    // Each chart's datasets, summed per label, as Chart.js holds them.
    const sums = (id: string) =>
      page.evaluate((chartId) => {
        const chart = (window as unknown as { Chart: { getChart(id: string): { data: { labels: string[]; datasets: Array<{ label: string; data: number[] }> } } } }).Chart.getChart(chartId);
        return {
          byLabel: Object.fromEntries(chart.data.datasets.map((d) => [d.label, d.data.reduce((a, b) => a + b, 0)])),
          byCategory: Object.fromEntries(chart.data.labels.map((l, i) => [l, chart.data.datasets.reduce((a, d) => a + d.data[i]!, 0)])),
        };
      }, id);
    const count = <K extends string>(key: (c: Connection) => K, only: (c: Connection) => boolean = () => true) =>
      connections.filter(only).reduce<Record<string, number>>((acc, c) => ({ ...acc, [key(c)]: (acc[key(c)] ?? 0) + 1 }), {});
    const problem = (c: Connection) => !['graceful', 'simultaneous-close', 'open'].includes(c.ending);
    expect((await sums('chart-over-time')).byLabel).toEqual(count((c) => c.ending));
    expect((await sums('chart-durations')).byLabel).toEqual(count((c) => c.ending));
    const endpoint = (e: { ip: string; port: number }) => (e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`);
    expect((await sums('chart-by-server')).byCategory).toEqual(count((c) => endpoint(c.server), problem));
    expect((await sums('chart-by-service')).byCategory).toEqual(count((c) => `port ${c.server.port}`, problem));
    await page.close();
  });

  it('filters by ending, host and port, searches, and sorts by a column, from the keyboard too', async () => {
    const file = join(dir, 'mixed-table.html');
    await teardown(['report', MIXED, '-o', file, '--quiet']);
    const page = await open(file);
    const visible = () => page.$$eval('#connections tbody tr', (rows) => rows.filter((r) => !(r as HTMLElement).hidden).map((r) => Number((r as HTMLTableRowElement).cells[1]!.dataset.value)));
    const shown = () => page.$eval('#shown', (e) => e.textContent);
    expect(await shown()).toBe(`${connections.length} of ${connections.length} connections shown`);

    await page.select('#filter-ending', 'refused');
    const refused = connections.filter((c) => c.ending === 'refused').map((c) => c.stream);
    expect((await visible()).sort((a, b) => a - b)).toEqual(refused);
    expect(await shown()).toBe(`${refused.length} of ${connections.length} connections shown`);

    await page.select('#filter-ending', '');
    await page.type('#filter-host', '198.18.2.2');
    await page.type('#filter-port', '8110');
    expect((await visible()).length).toBe(connections.filter((c) => c.server.port === 8110).length);
    await page.$eval('#filter-port', (e) => ((e as HTMLInputElement).value = ''));
    await page.$eval('#filter-host', (e) => ((e as HTMLInputElement).value = ''));
    await page.type('#filter-text', 'refused');
    expect((await visible()).length).toBe(refused.length);
    await page.$eval('#filter-text', (e) => {
      (e as HTMLInputElement).value = '';
      e.dispatchEvent(new Event('input'));
    });

    // Sorting by duration, the button reached and pressed from the keyboard.
    await page.focus('th button[data-column="7"]');
    await page.keyboard.press('Enter');
    const durations = connections.map((c) => ({ stream: c.stream, d: Number((c.end - c.start).toFixed(3)) }));
    const firstShown = (await visible())[0]!;
    expect(durations.find((x) => x.stream === firstShown)!.d).toBe(Math.min(...durations.map((x) => x.d)));
    expect(await page.$eval('th:nth-child(8)', (e) => e.getAttribute('aria-sort'))).toBe('ascending');
    await page.keyboard.press('Enter');
    const lastFirst = (await visible())[0]!;
    expect(durations.find((x) => x.stream === lastFirst)!.d).toBe(Math.max(...durations.map((x) => x.d)));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('keeps text readable in light and dark: every text colour against the page has a contrast of at least 4.5 (WCAG AA)', async () => {
    const file = join(dir, 'demo.html');
    await teardown(['report', join(REPO, 'fixtures', 'demo.pcap'), '-o', file, '--quiet']);
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage();
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
      const worst = await page.evaluate(() => {
        const rgb = (css: string): number[] => (css.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
        const luminance = ([r, g, b]: number[]): number =>
          [r!, g!, b!].map((v) => (v / 255 <= 0.03928 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4)).reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i]!, 0);
        const background = luminance(rgb(getComputedStyle(document.body).backgroundColor));
        const ratio = (fg: number): number => (Math.max(fg, background) + 0.05) / (Math.min(fg, background) + 0.05);
        const selectors = ['body', 'h1', 'th', 'td', 'dt', 'dd', 'a', '.warnings li', 'svg.ladder text', 'svg.ladder text.evidence', 'svg.ladder .time', 'label'];
        let low = { selector: '', ratio: Infinity };
        for (const sel of selectors) {
          for (const el of Array.from(document.querySelectorAll(sel)).slice(0, 20)) {
            const style = getComputedStyle(el);
            const r = ratio(luminance(rgb(el instanceof SVGElement ? style.fill : style.color)));
            if (r < low.ratio) low = { selector: sel, ratio: r };
          }
        }
        return low;
      });
      expect(worst.ratio, `${scheme}: ${worst.selector}`).toBeGreaterThanOrEqual(4.5);
      await page.close();
    }
  });

  it("summarises a large capture: detail for problems first and a sample of the rest, said on the page", async () => {
    const file = join(dir, 'mixed-small.html');
    await teardown(['report', MIXED, '-o', file, '--detail', '10', '--quiet']);
    const html = readFileSync(file, 'utf8');
    const problems = connections.filter((c) => !['graceful', 'simultaneous-close', 'open'].includes(c.ending)).length;
    const others = connections.length - problems;
    // Ten in all: a tenth kept for the others, the rest for the first problems.
    expect(html).toContain(`Detail for the first 9 of ${problems} problem connections and a sample of 1 of the ${others} others`);
    const page = await open(file);
    expect(await page.$$eval('#connections tbody tr', (rows) => rows.length)).toBe(10);
    expect(await page.$$eval('article.connection svg.ladder', (svgs) => svgs.length)).toBe(10);
    // The counts still cover every connection.
    expect(await page.$eval('table.endings', (t) => t.textContent)).toContain(String(connections.filter((c) => c.ending === 'reset').length));
    await page.close();
  });
});

describe('teardown report, its errors', () => {
  it('a damaged capture: one line and exit 2, and the report of what came before the damage says so', async () => {
    const broken = join(REPO, 'fixtures', 'reader', 'broken-caplen.pcap');
    const file = join(dir, 'broken.html');
    const run = await teardown(['report', broken, '-o', file, '--quiet']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`^teardown: ${broken}: .* at byte \\d+\\n$`));
    expect(readFileSync(file, 'utf8')).toMatch(/The capture is damaged; what came before the damage is shown: .* at byte \d+/);
  });

  it('an output it cannot write: one line and exit 2', async () => {
    const nowhere = join(dir, 'no-such-dir', 'r.html');
    const run = await teardown(['report', join(REPO, 'fixtures', 'demo.pcap'), '-o', nowhere]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`teardown: ${nowhere}: cannot write (ENOENT)\n`);
  });
});
