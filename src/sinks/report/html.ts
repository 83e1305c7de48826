import type { ConnectionReport } from '../../diagnosis/report.js';
import { ENDINGS, type Ending } from '../../diagnosis/types.js';
import { formatEndpoint } from '../../track/report.js';
import { utcTime } from '../time.js';
import { escapeMarkup as h } from '../markup.js';
import { scriptJson } from './script-json.js';
import { ARROW_HEAD_DEFS } from './ladder-svg.js';
import { OTHERS, type CloseKind, type Ranked, type ReportModel, type ReportRow } from './model.js';
import { reportPage } from './page-script.js';

/** One colour per ending and per way of closing, readable on light and dark backgrounds. */
const COLORS: Record<Ending | CloseKind, string> = {
  graceful: '#2e7d32',
  'simultaneous-close': '#7cb342',
  'half-closed': '#f9a825',
  reset: '#c62828',
  refused: '#8e24aa',
  unreachable: '#d81b60',
  timeout: '#ef6c00',
  'half-open': '#8d6e63',
  open: '#1e88e5',
  'not-established': '#9e9e9e',
  'client FIN': '#1e88e5',
  'server FIN': '#2e7d32',
  'client RST': '#ef6c00',
  'server RST': '#c62828',
};

/** A bar chart as the page script draws it. */
export interface ChartSpec {
  id: string;
  title: string;
  /** What the chart shows, for those who cannot see it (its aria-label). */
  summary: string;
  labels: string[];
  series: Array<{ label: string; values: number[] }>;
  stacked: boolean;
  horizontal: boolean;
  xTitle: string;
  yTitle: string;
}

/** A connection's ladder drawn (SVG), and as `show` writes it: its text alternative. */
export interface Ladder {
  svg: string;
  text: string;
}

export interface ReportPage {
  model: ReportModel;
  /** Ladders by `${file}:${stream}`. */
  ladders: ReadonlyMap<string, Ladder>;
  /** Chart.js itself (its UMD build), inlined. */
  chartJs: string;
  version: string;
}

/**
 * The report as one self-contained HTML file: styles, Chart.js, the charts' data and the
 * page script inline, nothing fetched. Everything is in the HTML itself (the charts'
 * numbers as tables too), so the page reads printed, with scripts off, and with a
 * screen reader; the script adds the drawn charts and the table's sorting and filters.
 */
export function reportHtml(page: ReportPage): string {
  const m = page.model;
  const charts = chartSpecs(m);
  const firsts = m.files.flatMap((f) => (f.first === null ? [] : [f.first]));
  const lasts = m.files.flatMap((f) => (f.last === null ? [] : [f.last]));
  const span = firsts.length === 0 ? '' : `, from ${utcTime(Math.min(...firsts))} to ${utcTime(Math.max(...lasts, ...firsts))} UTC`;
  const names = m.files.map((f) => f.name);
  const title = `TCP teardown report: ${names.length === 1 ? names[0] : `${names.length} captures`}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${h(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${ARROW_HEAD_DEFS}
<a class="skip" href="#connections-section">Skip to the connections</a>
<header>
<h1>${h(title)}</h1>
<p>${m.connections} TCP connection${m.connections === 1 ? '' : 's'}, ${m.problems} of them problem${m.problems === 1 ? '' : 's'}, in ${names.length === 1 ? 'the capture' : `${names.length} captures`}${span}.</p>
</header>
<main>
<section id="summary" aria-labelledby="summary-h">
<h2 id="summary-h">What happened</h2>
${endingTable(m)}
${m.files.map(fileSummary).join('\n')}
</section>
<section id="charts" aria-labelledby="charts-h">
<h2 id="charts-h">Charts</h2>
<div class="charts">
${charts.map(figure).join('\n')}
</div>
</section>
<section id="connections-section" aria-labelledby="connections-h">
<h2 id="connections-h">Connections</h2>
<p>${detailStatement(m)}</p>
${filters(m)}
<p id="shown" role="status" aria-live="polite">${m.rows.length} of ${m.rows.length} connections shown</p>
${connectionTable(m)}
</section>
<section id="details" aria-labelledby="details-h">
<h2 id="details-h">Connection details</h2>
${m.rows.map((r) => detail(r, m, page.ladders)).join('\n')}
</section>
</main>
<footer><p>Written by tcp-teardown ${h(page.version)}. Times are UTC. Frame numbers are Wireshark's; each connection's filter selects it there.</p></footer>
<script>${page.chartJs.replace(/<\/script/gi, '<\\/script')}</script>
<script type="application/json" id="report-charts">${scriptJson({ charts, colors: COLORS })}</script>
<script>(${reportPage.toString()})();</script>
</body>
</html>
`;
}

/** The counts by ending, every ending that occurred. */
function endingTable(m: ReportModel): string {
  const rows = ENDINGS.filter((e) => m.byEnding[e] > 0).map((e) => `<tr><th scope="row"><span class="swatch" style="background:${COLORS[e]}"></span>${e}</th><td>${m.byEnding[e]}</td></tr>`);
  return `<table class="endings"><caption>Connections by ending</caption><thead><tr><th scope="col">ending</th><th scope="col">connections</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function fileSummary(f: ReportModel['files'][number]): string {
  const span = f.first === null ? 'no packets' : `from the first packet at ${utcTime(f.first)} to the last connection's end at ${utcTime(f.last ?? f.first)} UTC`;
  const said = [...(f.failure === null ? [] : [`The capture is damaged; what came before the damage is shown: ${f.failure.message}`]), ...f.warnings];
  const warnings = said.length === 0 ? '' : `<ul class="warnings">${said.map((w) => `<li>${h(w)}</li>`).join('')}</ul>`;
  return `<article class="file"><h3>${h(f.name)}</h3><p>${f.connections} connections, ${span}.</p>${warnings}<pre class="triage">${h(f.triage)}</pre></article>`;
}

function detailStatement(m: ReportModel): string {
  const problems = m.detailedProblems === m.problems ? `all ${m.problems} problem connections` : `the first ${m.detailedProblems} of ${m.problems} problem connections`;
  const others = m.sampledOthers === m.others ? `all ${m.others} others` : `a sample of ${m.sampledOthers} of the ${m.others} others (chosen at random, the same each time)`;
  return `Detail for ${problems} and ${others}. The counts and charts above cover every connection.`;
}

function filters(m: ReportModel): string {
  const endings = ENDINGS.filter((e) => m.byEnding[e] > 0);
  return `<form class="filters" role="search" onsubmit="return false">
<label>Ending <select id="filter-ending"><option value="">any</option>${endings.map((e) => `<option>${e}</option>`).join('')}</select></label>
<label>Host <input id="filter-host" type="text" inputmode="text" placeholder="198.18.2.2" autocomplete="off"></label>
<label>Port <input id="filter-port" type="text" inputmode="numeric" placeholder="443" autocomplete="off"></label>
<label>Search <input id="filter-text" type="search" placeholder="any text" autocomplete="off"></label>
</form>`;
}

const COLUMNS: Array<{ name: string; type: 'text' | 'number' }> = [
  { name: 'file', type: 'text' },
  { name: 'stream', type: 'number' },
  { name: 'client', type: 'text' },
  { name: 'server', type: 'text' },
  { name: 'ending', type: 'text' },
  { name: 'closer', type: 'text' },
  { name: 'start (UTC)', type: 'number' },
  { name: 'duration (s)', type: 'number' },
  { name: 'packets', type: 'number' },
  { name: 'bytes', type: 'number' },
];

function connectionTable(m: ReportModel): string {
  const head = COLUMNS.map((c, i) => `<th scope="col"><button type="button" data-column="${i}" data-type="${c.type}">${h(c.name)}</button></th>`).join('');
  const rows = m.rows.map((r) => {
    const c = r.report;
    const ending = c.detail === null ? c.ending : `${c.ending} (${c.detail})`;
    const duration = c.end - c.start;
    const cells = [
      `<td>${h(m.files[r.file]!.name)}</td>`,
      `<td data-value="${c.stream}"><a href="#${anchor(r)}">${c.stream}</a></td>`,
      `<td>${h(formatEndpoint(c.client))}</td>`,
      `<td>${h(formatEndpoint(c.server))}</td>`,
      `<td><span class="swatch" style="background:${COLORS[c.ending]}"></span>${h(ending)}</td>`,
      `<td>${c.closer ?? ''}</td>`,
      `<td data-value="${c.start}">${utcTime(c.start)}</td>`,
      `<td data-value="${duration}">${duration.toFixed(3)}</td>`,
      `<td data-value="${c.packets.client + c.packets.server}">${c.packets.client + c.packets.server}</td>`,
      `<td data-value="${c.bytes.client + c.bytes.server}">${c.bytes.client + c.bytes.server}</td>`,
    ];
    return `<tr data-ending="${c.ending}" data-hosts="${h(`${c.client.ip} ${c.server.ip}`)}" data-ports="${c.client.port} ${c.server.port}">${cells.join('')}</tr>`;
  });
  return `<div class="scroll" tabindex="0" role="region" aria-label="Connections table, scrolls sideways"><table id="connections"><caption>Connections (select a column's name to sort by it)</caption><thead><tr>${head}</tr></thead><tbody>${rows.join('\n')}</tbody></table></div>`;
}

const anchor = (r: ReportRow): string => `c-${r.file}-${r.report.stream}`;

function detail(r: ReportRow, m: ReportModel, ladders: ReadonlyMap<string, Ladder>): string {
  const c: ConnectionReport = r.report;
  const ending = c.detail === null ? c.ending : `${c.ending} (${c.detail})`;
  const drawn = ladders.get(`${r.file}:${c.stream}`);
  const ladder = drawn === undefined ? '<p>No segment of this connection was drawn.</p>' : `${drawn.svg}`;
  const asText = drawn === undefined ? '' : `<details><summary>The ladder as text</summary><pre class="ladder-text">${h(drawn.text)}</pre></details>`;
  const facts: Array<[string, string]> = [
    ['capture', m.files[r.file]!.name],
    ['ending', ending],
    ['closer', c.closer ?? 'none'],
    ['client saw', c.apps.client],
    ['server saw', c.apps.server],
    ['evidence frames', c.evidence.join(', ') || 'none'],
    ['Wireshark filter', c.filter],
    ['Zeek', `conn_state ${c.zeek.connState}, history ${c.zeek.history}`],
    ['Community ID', c.communityId],
  ];
  return `<article class="connection" id="${anchor(r)}" aria-labelledby="${anchor(r)}-h">
<h3 id="${anchor(r)}-h">Stream ${c.stream}: ${h(formatEndpoint(c.client))} → ${h(formatEndpoint(c.server))}, <span class="swatch" style="background:${COLORS[c.ending]}"></span>${h(ending)}</h3>
<p class="explanation">${h(c.explanation)}</p>
<dl>${facts.map(([k, v]) => `<dt>${h(k)}</dt><dd>${k === 'Wireshark filter' ? `<code>${h(v)}</code>` : h(v)}</dd>`).join('')}</dl>
<div class="scroll" tabindex="0" role="region" aria-label="Ladder of stream ${c.stream}, scrolls sideways">${ladder}</div>
${asText}
<p><a href="#connections">Back to the table</a></p>
</article>`;
}

function figure(c: ChartSpec): string {
  // The categories' axis: y when the bars lie down.
  const head = `<tr><th scope="col">${h(c.horizontal ? c.yTitle : c.xTitle)}</th>${c.series.map((s) => `<th scope="col">${h(s.label)}</th>`).join('')}</tr>`;
  const rows = c.labels.map((label, i) => `<tr><th scope="row">${h(label)}</th>${c.series.map((s) => `<td>${s.values[i]}</td>`).join('')}</tr>`).join('');
  return `<figure aria-labelledby="${c.id}-h">
<h3 id="${c.id}-h">${h(c.title)}</h3>
<div class="chart${c.horizontal ? ' tall' : ''}"><canvas id="${c.id}" role="img" aria-label="${h(c.summary)}">${h(c.summary)}</canvas></div>
<details><summary>The numbers</summary><div class="scroll" tabindex="0" role="region" aria-label="${h(c.title)}: the numbers"><table><caption>${h(c.title)}</caption><thead>${head}</thead><tbody>${rows}</tbody></table></div></details>
</figure>`;
}

function chartSpecs(m: ReportModel): ChartSpec[] {
  const present = ENDINGS.filter((e) => m.byEnding[e] > 0);
  const time = overTime(m);
  const overTimeChart: ChartSpec = {
    id: 'chart-over-time',
    title: `Endings over time (connections by when they started, per ${time.unit})`,
    summary: `Connections started per ${time.unit}, stacked by ending, over ${time.starts.length} ${time.unit}s.`,
    labels: time.starts.map(time.label),
    series: present.map((e) => ({ label: e, values: time.counts.map((b) => b[e] ?? 0) })),
    stacked: true,
    horizontal: false,
    xTitle: `start (UTC, per ${time.unit})`,
    yTitle: 'connections',
  };
  const ranked = (id: string, what: string, r: Ranked): ChartSpec => {
    const endings = ENDINGS.filter((e) => r.top.some((x) => (x.byEnding[e] ?? 0) > 0));
    const title = `Problems by ${what}${r.keys > r.top.length ? ` (the ${r.top.length} with the most, of ${r.keys}${r.capped ? `; "${OTHERS}" counts those past the first ${r.keys - 1}` : ''})` : ''}`;
    return {
      id,
      title,
      summary: r.top.length === 0 ? 'No problems.' : `${title}: ${r.top.slice(0, 3).map((x) => `${x.key} ${x.total}`).join(', ')}${r.top.length > 3 ? ', ...' : ''}.`,
      labels: r.top.map((x) => x.key),
      series: endings.map((e) => ({ label: e, values: r.top.map((x) => x.byEnding[e] ?? 0) })),
      stacked: true,
      horizontal: true,
      xTitle: 'problem connections',
      yTitle: what,
    };
  };
  // Histogram bins up to the last one used by either histogram (at least to 1 s).
  const used = (counts: number[]): number => counts.reduce((last, n, i) => (n > 0 ? i : last), 0);
  const histograms = [...Object.values(m.durations.byEnding), ...Object.values(m.closeDelay.series)];
  const bins = m.durations.bins.slice(0, Math.max(m.durations.bins.indexOf(1), ...histograms.map(used)) + 1);
  const cut = (counts: number[]): number[] => counts.slice(0, bins.length);
  const binLabels = bins.map((edge, i) => (edge === Infinity ? `> ${seconds(bins[i - 1]!)}` : `≤ ${seconds(edge)}`));
  const durations: ChartSpec = {
    id: 'chart-durations',
    title: 'Connection durations by ending',
    summary: 'How long connections lasted, a histogram per ending.',
    labels: binLabels,
    series: present.map((e) => ({ label: e, values: cut(m.durations.byEnding[e] ?? bins.map(() => 0)) })),
    stacked: false,
    horizontal: false,
    xTitle: 'duration',
    yTitle: 'connections',
  };
  const kinds = (Object.keys(m.closeDelay.series) as CloseKind[]).filter((k) => m.closeDelay.series[k].some((n) => n > 0));
  const closeDelay: ChartSpec = {
    id: 'chart-close-delay',
    title: `Who closed first, and how soon after the last data before it (the first FIN, or the RST that ended it; ${m.closeDelay.none} connections without data before a close, or without a close, are not counted)`,
    summary: 'Time from the last data to the first close, by who closed and how: an RST right after data suggests a crash or an abort, a close after a round delay an idle timeout.',
    labels: binLabels,
    series: kinds.map((k) => ({ label: k, values: cut(m.closeDelay.series[k]) })),
    stacked: true,
    horizontal: false,
    xTitle: 'time after the last data',
    yTitle: 'connections',
  };
  return [
    overTimeChart,
    ranked('chart-by-server', 'server', m.byServer),
    ranked('chart-by-service', 'service (server port)', m.byService),
    durations,
    closeDelay,
  ];
}

/** Bar widths the time chart may use, and their names: the first that gives at most MAX_BARS bars over the span. */
const WIDTHS: Array<[number, string]> = [
  [1, 'second'],
  [10, '10 seconds'],
  [60, 'minute'],
  [600, '10 minutes'],
  [3600, 'hour'],
  [21600, '6 hours'],
  [86400, 'day'],
];
const MAX_BARS = 600;

/**
 * The endings over time as bars of one width over the whole span, quiet ones included
 * (a gap in the traffic shows as a gap), the width the smallest that gives at most
 * MAX_BARS bars and is no finer than the buckets gathered.
 */
function overTime(m: ReportModel): { unit: string; starts: number[]; counts: Array<Partial<Record<Ending, number>>>; label: (t: number) => string } {
  const buckets = m.overTime.buckets;
  if (buckets.length === 0) return { unit: 'second', starts: [], counts: [], label: String };
  const first = buckets[0]!.start;
  const last = buckets[buckets.length - 1]!.start;
  const [width, unit] = WIDTHS.find(([w]) => w >= m.overTime.bucketSeconds && (last - first) / w < MAX_BARS) ?? [Math.max(86400, m.overTime.bucketSeconds), 'day'];
  const start = Math.floor(first / width) * width;
  const counts: Array<Partial<Record<Ending, number>>> = Array.from({ length: Math.floor((last - start) / width) + 1 }, () => ({}));
  for (const b of buckets) {
    const into = counts[Math.floor((b.start - start) / width)]!;
    for (const [e, n] of Object.entries(b.byEnding) as Array<[Ending, number]>) into[e] = (into[e] ?? 0) + n;
  }
  const starts = counts.map((_, i) => start + i * width);
  // Within a day the time of day says it; past that, the date too.
  const label = (t: number): string => (last - first < 86400 ? utcTime(t).slice(11, width < 60 ? 19 : 16) : utcTime(t).slice(0, width < 86400 ? 16 : 10));
  return { unit, starts, counts, label };
}

function seconds(s: number): string {
  return s < 1 ? `${Math.round(s * 1000)} ms` : s < 60 ? `${s} s` : s < 3600 ? `${s / 60} min` : `${s / 3600} h`;
}

const STYLE = `
:root { --bg: #ffffff; --fg: #1a1a1a; --muted: #555; --line: #d0d0d0; --accent: #0b57d0; --panel: #f5f5f5; --evidence: #c62828; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #121212; --fg: #e6e6e6; --muted: #b0b0b0; --line: #444; --accent: #8ab4f8; --panel: #1e1e1e; --evidence: #ff8a80; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 1rem; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, sans-serif; }
a { color: var(--accent); }
a:focus, button:focus, input:focus, select:focus, summary:focus { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; }
h2 { border-bottom: 1px solid var(--line); padding-bottom: .25rem; margin-top: 2rem; }
pre.ladder-text { overflow-x: auto; font-size: 12px; }
pre.triage { background: var(--panel); padding: .75rem; overflow-x: auto; font-size: 13px; }
table { border-collapse: collapse; margin: .5rem 0; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border-bottom: 1px solid var(--line); padding: .2rem .5rem; text-align: left; vertical-align: top; }
td[data-value] { text-align: right; font-variant-numeric: tabular-nums; }
th button { all: unset; cursor: pointer; font-weight: 600; }
th button::after { content: " ↕"; color: var(--muted); }
th[aria-sort="ascending"] button::after { content: " ↑"; }
th[aria-sort="descending"] button::after { content: " ↓"; }
.scroll { overflow-x: auto; }
.swatch { display: inline-block; width: .8em; height: .8em; margin-right: .35em; border-radius: 2px; vertical-align: -1px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(520px, 1fr)); gap: 1rem; }
figure { margin: 0; background: var(--panel); padding: .75rem; border-radius: 6px; }
figure h3 { margin: 0 0 .5rem; font-size: 1rem; }
.chart { position: relative; height: 280px; }
.chart.tall { height: 360px; }
.filters { display: flex; flex-wrap: wrap; gap: 1rem; margin: .5rem 0; }
.filters input, .filters select { font: inherit; padding: .2rem .4rem; background: var(--bg); color: var(--fg); border: 1px solid var(--muted); border-radius: 4px; }
.warnings { color: var(--evidence); }
article.connection { border-top: 1px solid var(--line); padding-top: .5rem; margin-top: 1rem; }
article.connection h3 { font-size: 1.05rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; }
dt { color: var(--muted); }
dd { margin: 0; }
svg.ladder { width: 100%; min-width: 760px; height: auto; font: 12px system-ui, sans-serif; }
svg.ladder text { fill: var(--fg); }
svg.ladder .who { font-weight: 600; }
svg.ladder .time, svg.ladder .gap { fill: var(--muted); }
svg.ladder .state { font-weight: 600; }
svg.ladder .life { stroke: var(--muted); stroke-width: 1; }
svg.ladder .arrow { stroke: var(--fg); stroke-width: 1.2; }
svg.ladder .arrow.evidence { stroke: var(--evidence); stroke-width: 2.5; }
svg.ladder text.evidence { fill: var(--evidence); font-weight: 700; }
.head { fill: var(--fg); }
@media print {
  body { max-width: none; font-size: 11px; }
  .filters, #shown, .skip { display: none; }
  details > :not(summary) { display: block; }
  figure, article.connection { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
