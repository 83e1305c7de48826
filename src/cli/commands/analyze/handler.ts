import { once } from 'node:events';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Table from 'cli-table3';
import { analyzeFile, type AnalysisResult, type AnalyzeOptions } from '../../../analyze.js';
import type { Ending } from '../../../diagnosis/types.js';
import type { ConnectionReport } from '../../../report/connection-report.js';
import { csvHeader, csvRow } from '../../../report/csv.js';
import { isProblem, type ConnectionFilter } from '../../../report/filter.js';
import { summarize, type Summary } from '../../../report/summary.js';
import { formatEndpoint } from '../../../track/report.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, writeOut } from '../../fail.js';
import { progressFor } from '../../progress.js';
import { analyzeInParallel } from './parallel.js';
import { writeNdjson } from './ndjson-stream.js';
import { trackerOptions, type TrackerArgs } from '../../tracker-options.js';

export interface AnalyzeArgs extends TrackerArgs {
  files: string[];
  format: 'table' | 'json' | 'ndjson' | 'csv';
  sort: 'capture' | 'problems';
  ending?: Ending[];
  problems: boolean;
  host?: string[];
  port?: number[];
  stream?: number[];
  /** No warnings and no progress bar on stderr. */
  quiet: boolean;
  /** Files analysed at once on worker threads. */
  jobs: number;
}

/** Analyses each file: a report per file, labelled when there are several. */
export async function analyzeHandler(args: AnalyzeArgs): Promise<number> {
  const filter: ConnectionFilter = { endings: args.ending, problems: args.problems, hosts: args.host, ports: args.port, streams: args.stream };
  const options: AnalyzeOptions = { filter, tracker: trackerOptions(args) };
  let exitCode = EXIT_OK;
  const fail = (file: string, err: unknown): void => {
    process.stderr.write(failureLine(file, err) + '\n');
    exitCode = EXIT_BAD_INPUT;
  };
  const warn = (file: string, warnings: string[]): void => {
    if (!args.quiet) for (const w of warnings) process.stderr.write(`teardown: ${file}: warning: ${w}\n`);
  };

  if (args.jobs > 1 && args.files.length > 1) {
    // Worker threads; outputs merge in input order. NDJSON goes through files in a
    // private spool directory, copied out whole, so no file's lines wait in memory.
    const results: AnalysisResult[] = [];
    const spool = args.format === 'ndjson' ? mkdtempSync(join(tmpdir(), 'teardown-jobs-')) : undefined;
    try {
      for await (const o of analyzeInParallel(args.files, args.jobs, options, spool)) {
        if ('ndjson' in o && o.ndjson !== undefined) await copyOut(o.ndjson);
        if ('error' in o) {
          process.stderr.write(o.error + '\n');
          exitCode = EXIT_BAD_INPUT;
        } else if ('result' in o) {
          warn(o.file, o.result.warnings);
          results.push(o.result);
        } else warn(o.file, o.warnings);
      }
    } finally {
      if (spool !== undefined) rmSync(spool, { recursive: true, force: true });
    }
    if (args.format !== 'ndjson') await render(results, args);
    return exitCode;
  }

  if (args.format === 'ndjson') {
    for (const file of args.files) {
      const progress = progressFor(file, args.quiet);
      try {
        const warnings = await writeNdjson(file, options, process.stdout, progress.onProgress);
        progress.done();
        warn(file, warnings);
      } catch (err) {
        progress.done();
        fail(file, err);
      }
    }
    return exitCode;
  }

  const results: AnalysisResult[] = [];
  for (const file of args.files) {
    const progress = progressFor(file, args.quiet);
    try {
      const result = await analyzeFile(file, { ...options, onProgress: progress.onProgress });
      progress.done();
      warn(file, result.warnings);
      results.push(result);
    } catch (err) {
      progress.done();
      fail(file, err);
    }
  }
  await render(results, args);
  return exitCode;
}

/** Prints whole-file results as a table, JSON or CSV. */
async function render(results: AnalysisResult[], args: AnalyzeArgs): Promise<void> {
  for (const r of results) if (args.sort === 'problems') r.connections.sort(problemsFirst);
  switch (args.format) {
    case 'json': {
      const objects = results.map((r) => ({ file: r.file, summary: r.summary, connections: r.connections, warnings: r.warnings }));
      await writeOut(JSON.stringify(objects.length === 1 ? objects[0] : objects, null, 2) + '\n');
      break;
    }
    case 'csv':
      await writeOut([csvHeader(), ...results.flatMap((r) => r.connections.map((c) => csvRow(r.file, c)))].join('\n') + '\n');
      break;
    case 'table':
      await writeOut(results.map((r) => renderTable(r, results.length > 1)).join('\n'));
      break;
    case 'ndjson':
      break; // streamed by the caller
  }
}

/** Problems first (resets, timeouts, ... before graceful and open), then capture order. */
function problemsFirst(a: ConnectionReport, b: ConnectionReport): number {
  return Number(isProblem(b)) - Number(isProblem(a)) || a.stream - b.stream;
}

function renderTable(r: AnalysisResult, labelled: boolean): string {
  const colour = process.env.NO_COLOR === undefined && process.stdout.isTTY === true;
  const table = new Table({
    head: ['stream', 'client → server', 'start', 'duration', 'ending', 'closer', 'packets c/s', 'explanation'],
    style: { head: colour ? ['cyan'] : [], border: colour ? ['grey'] : [] },
    colWidths: [null, null, null, null, null, null, null, 72] as unknown as number[],
    wordWrap: true,
  });
  const t0 = Math.min(...r.connections.map((c) => c.start));
  for (const c of r.connections) {
    table.push([
      c.stream,
      `${formatEndpoint(c.client)} → ${formatEndpoint(c.server)}`,
      `+${(c.start - t0).toFixed(3)}s`,
      `${(c.end - c.start).toFixed(3)}s`,
      c.detail === null ? c.ending : `${c.ending} (${c.detail})`,
      c.closer ?? '',
      `${c.packets.client}/${c.packets.server}`,
      c.explanation.replace(/^\S+ -> \S+: /, ''),
    ]);
  }
  const heading = labelled ? `${r.file}\n` : '';
  return `${heading}${r.connections.length > 0 ? table.toString() + '\n' : ''}${renderSummary(r.summary)}`;
}

function renderSummary(s: Summary): string {
  const counts = Object.entries(s.byEnding).sort(([, a], [, b]) => b - a).map(([ending, n]) => `${n} ${ending}`).join(', ');
  const lines = [`${s.connections} connection${s.connections === 1 ? '' : 's'}${counts === '' ? '' : `: ${counts}`}`];
  if (s.topProblems.length > 0) {
    lines.push('top problems:');
    for (const p of s.topProblems) {
      lines.push(`  ${p.connections} × ${p.ending}${p.detail === null ? '' : ` (${p.detail})`} with ${p.server} (streams ${p.streams.join(', ')}${p.connections > p.streams.length ? ', ...' : ''})`);
    }
  }
  return lines.join('\n') + '\n';
}

/** Copies a worker's NDJSON file to stdout, waiting whenever stdout is full. */
async function copyOut(path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) {
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }
}
