/// <reference lib="dom" />
// Types only: erased when compiled, so the function's source text stays whole.
import type { ChartSpec } from './html.js';
/**
 * The report page's own script, run in the browser: it draws the charts (Chart.js,
 * inlined before it) from the data inlined as JSON, and makes the connection table sort,
 * filter and search. It is inlined as its source text (html.ts), so it must stand alone:
 * no imports, nothing from outside its body. Without it (scripts off, or printed) the
 * page still holds everything: each chart's numbers are a table beside it.
 */
export function reportPage(): void {
  interface ChartJs {
    new (canvas: HTMLCanvasElement, config: unknown): unknown;
    defaults: { color: string; borderColor: string; font: { family: string } };
  }
  const data = JSON.parse(document.getElementById('report-charts')!.textContent!) as { charts: ChartSpec[]; colors: Record<string, string> };
  const Chart = (window as unknown as { Chart: ChartJs }).Chart;
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  Chart.defaults.color = dark ? '#e6e6e6' : '#1a1a1a';
  Chart.defaults.borderColor = dark ? '#444' : '#d0d0d0';
  Chart.defaults.font.family = 'system-ui, sans-serif';
  for (const spec of data.charts) {
    const canvas = document.getElementById(spec.id) as HTMLCanvasElement | null;
    if (canvas === null) continue;
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.series.map((s) => ({ label: s.label, data: s.values, backgroundColor: data.colors[s.label] ?? '#888' })),
      },
      options: {
        indexAxis: spec.horizontal ? 'y' : 'x',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          x: { stacked: spec.stacked, title: { display: true, text: spec.xTitle } },
          y: { stacked: spec.stacked, title: { display: true, text: spec.yTitle }, beginAtZero: true },
        },
        plugins: { legend: { position: 'bottom' } },
      },
    });
  }

  // The table: sort by a column, filter by ending, host or port, search any text.
  const table = document.getElementById('connections') as HTMLTableElement;
  const body = table.tBodies[0]!;
  const rows = Array.from(body.rows);
  const ending = document.getElementById('filter-ending') as HTMLSelectElement;
  const host = document.getElementById('filter-host') as HTMLInputElement;
  const port = document.getElementById('filter-port') as HTMLInputElement;
  const search = document.getElementById('filter-text') as HTMLInputElement;
  const shown = document.getElementById('shown')!;
  const apply = (): void => {
    const wantEnding = ending.value;
    const wantHost = host.value.trim().toLowerCase();
    const wantPort = port.value.trim();
    const words = search.value.trim().toLowerCase();
    let n = 0;
    for (const row of rows) {
      const d = row.dataset;
      const ok =
        (wantEnding === '' || d.ending === wantEnding) &&
        (wantHost === '' || (d.hosts ?? '').split(' ').some((h) => h.startsWith(wantHost))) &&
        (wantPort === '' || (d.ports ?? '').split(' ').includes(wantPort)) &&
        (words === '' || (row.textContent ?? '').toLowerCase().includes(words));
      row.hidden = !ok;
      if (ok) n++;
    }
    shown.textContent = `${n} of ${rows.length} connections shown`;
  };
  for (const input of [ending, host, port, search]) input.addEventListener('input', apply);
  for (const button of Array.from(table.tHead!.querySelectorAll('button'))) {
    button.addEventListener('click', () => {
      const th = button.closest('th')!;
      const column = Number(button.dataset.column);
      const numeric = button.dataset.type === 'number';
      const ascending = th.getAttribute('aria-sort') !== 'ascending';
      for (const other of Array.from(table.tHead!.querySelectorAll('th'))) other.removeAttribute('aria-sort');
      th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
      const key = (row: HTMLTableRowElement): string | number => {
        const cell = row.cells[column]!;
        return numeric ? Number(cell.dataset.value) : (cell.textContent ?? '');
      };
      rows.sort((a, b) => {
        const x = key(a);
        const y = key(b);
        const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
        return ascending ? order : -order;
      });
      body.append(...rows);
    });
  }
  apply();
  // Printed, every chart's numbers show.
  window.addEventListener('beforeprint', () => {
    for (const d of Array.from(document.querySelectorAll('details'))) d.open = true;
  });
}
