import { once } from 'node:events';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile, captureWarnings, runAnalysis, type AnalysisResult, type AnalyzeOptions } from '../../../analyze.js';
import type { Ending } from '../../../diagnosis/types.js';
import type { ConnectionReport } from '../../../report/connection-report.js';
import { csvHeader, csvRow } from '../../../report/csv.js';
import type { ConnectionFilter } from '../../../report/filter.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, writeOut } from '../../fail.js';
import { LineWriter } from '../../line-writer.js';
import { progressFor } from '../../progress.js';
import { analyzeInParallel } from './parallel.js';
import { writeNdjson } from './ndjson-stream.js';
import { problemsFirst, TableRows } from './table.js';
import { trackerOptions, type TrackerArgs } from '../../tracker-options.js';
import type { LimitArgs } from '../../table-limit.js';

export interface AnalyzeArgs extends TrackerArgs, LimitArgs {
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

  if (args.format === 'table' || (args.format === 'csv' && args.sort === 'capture')) {
    // Streamed too: a table keeps only the rows it shows, CSV rows go out in order.
    const tables: [string, TableRows][] = [];
    const out = new LineWriter();
    if (args.format === 'csv') out.push(csvHeader());
    for (const file of args.files) {
      const progress = progressFor(file, args.quiet);
      const rows = new TableRows(args.limit, args.sort);
      const visit = args.format === 'table' ? (c: ConnectionReport) => rows.add(c) : (c: ConnectionReport) => out.push(csvRow(file, c));
      try {
        const result = await runAnalysis(file, visit, { ...options, onProgress: progress.onProgress, beforeRead: () => out.flush() });
        progress.done();
        warn(file, captureWarnings(result));
        tables.push([file, rows]);
      } catch (err) {
        progress.done();
        fail(file, err);
      }
    }
    await out.flush();
    if (args.format === 'table') await writeOut(tables.map(([file, rows]) => rows.render(file, tables.length > 1)).join('\n'));
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
      await writeOut(results.map((r) => tableOf(r, args).render(r.file, results.length > 1)).join('\n'));
      break;
    case 'ndjson':
      break; // streamed by the caller
  }
}

function tableOf(r: AnalysisResult, args: AnalyzeArgs): TableRows {
  const rows = new TableRows(args.limit, args.sort);
  for (const c of r.connections) rows.add(c);
  return rows;
}

/** Copies a worker's NDJSON file to stdout, waiting whenever stdout is full. */
async function copyOut(path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) {
    if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
  }
}
