import { closeSync, createReadStream, existsSync, fstatSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnalyzeOptions } from '../../../analyze.js';
import type { Ending } from '../../../diagnosis/types.js';
import type { ConnectionReport } from '../../../report/connection-report.js';
import { matches, type ConnectionFilter, type FilterCount } from '../../../report/filter.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine } from '../../fail.js';
import { progressFor } from '../../progress.js';
import { analyzeInParallel } from './parallel.js';
import { copyFile } from '../../spool.js';
import { writeNdjson } from './ndjson-stream.js';
import { reportSink } from './sinks.js';
import { reportConnectionsOn } from '../../tracking-thread.js';
import { threadsFor, type ThreadsArgs } from '../../threads.js';
import { trackerOptions, type TrackerArgs } from '../../tracker-options.js';
import type { LimitArgs } from '../../table-limit.js';
import { tableLook, type TimeArgs } from '../../table-look.js';

export interface AnalyzeArgs extends TrackerArgs, LimitArgs, ThreadsArgs, TimeArgs {
  files: string[];
  format: 'table' | 'json' | 'ndjson' | 'csv';
  sort: 'capture' | 'problems' | 'finish';
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
  const warn = (file: string, warnings: string[], count: FilterCount): void => {
    if (args.quiet) return;
    for (const w of warnings) process.stderr.write(`teardown: ${file}: warning: ${w}\n`);
    // An empty report must not pass for a capture without such connections when it is a typo in a filter.
    const filtered = filterText(args);
    if (filtered !== null && count.matched === 0 && count.connections > 0) {
      process.stderr.write(`teardown: ${file}: no connection matches ${filtered} (of ${count.connections} connection${count.connections === 1 ? '' : 's'})\n`);
    }
  };

  // Worker threads write each file's NDJSON to a private spool directory; the files
  // are copied out (or read back into the other formats) in input order, so output
  // merges in order and no file's report waits in memory. Without a temporary
  // directory, the files are analysed one at a time, below.
  const spool = args.jobs > 1 && args.files.length > 1 ? spoolDirectory() : null;
  if (spool !== null) {
    const sink = args.format === 'ndjson' ? null : reportSink(args.format, sortOf(args), args.limit, args.files.length, tableLook(args));
    // The sinks take connections in any order: only NDJSON copied out as it is needs stream order.
    const order = args.format === 'ndjson' && args.sort !== 'finish' ? 'capture' : 'finish';
    try {
      for await (const o of analyzeInParallel(args.files, args.jobs, options, spool, order)) {
        if (sink === null) await copyOut(o.ndjson);
        else await readBack(o.ndjson, (c) => sink.add(o.file, c));
        if ('error' in o) {
          await sink?.fileFailed();
          process.stderr.write(o.error + '\n');
          exitCode = EXIT_BAD_INPUT;
        } else {
          warn(o.file, o.outcome.warnings, o.count);
          await sink?.fileDone(o.file, o.outcome);
        }
      }
    } finally {
      rmSync(spool, { recursive: true, force: true });
    }
    await sink?.end();
    return exitCode;
  }

  if (args.format === 'ndjson') {
    for (const file of args.files) {
      const progress = progressFor(file, args.quiet);
      try {
        const run = { order: args.sort === 'finish' ? ('finish' as const) : ('capture' as const), threads: threadsFor(file, args.threads), onProgress: progress.onProgress };
        const { warnings, count } = await writeNdjson(file, options, process.stdout, run);
        progress.done();
        warn(file, warnings, count);
      } catch (err) {
        progress.done();
        fail(file, err);
      }
    }
    return exitCode;
  }

  // Table, CSV, JSON: each file streamed into the format's sink (see sinks.ts) in the
  // order connections finish; the sink puts back stream order where the format needs it.
  const sink = reportSink(args.format, sortOf(args), args.limit, args.files.length, tableLook(args));
  let count: FilterCount = { connections: 0, matched: 0 };
  const visit = (file: string, c: ConnectionReport): void => {
    count.connections++;
    if (!matches(c, filter)) return sink.skip(c.stream);
    count.matched++;
    sink.add(file, c);
  };
  for (const file of args.files) {
    const progress = progressFor(file, args.quiet);
    count = { connections: 0, matched: 0 };
    try {
      const outcome = await reportConnectionsOn(threadsFor(file, args.threads), file, (c) => visit(file, c), { ...options, onProgress: progress.onProgress, beforeRead: () => sink.flush() });
      progress.done();
      warn(file, outcome.warnings, count);
      await sink.fileDone(file, outcome);
    } catch (err) {
      progress.done();
      await sink.fileFailed();
      fail(file, err);
    }
  }
  await sink.end();
  return exitCode;
}

/** The filter as given (`--host 198.18.9.9 --port 80`), or null when there is none. */
function filterText(args: AnalyzeArgs): string | null {
  const parts: string[] = [];
  if (args.ending !== undefined && args.ending.length > 0) parts.push(`--ending ${args.ending.join(',')}`);
  if (args.problems) parts.push('--problems');
  if (args.host !== undefined && args.host.length > 0) parts.push(`--host ${args.host.join(',')}`);
  if (args.port !== undefined && args.port.length > 0) parts.push(`--port ${args.port.join(',')}`);
  if (args.stream !== undefined && args.stream.length > 0) parts.push(`--stream ${args.stream.join(',')}`);
  return parts.length === 0 ? null : parts.join(' ');
}

/** The table, CSV and JSON sort (`finish` is NDJSON's alone: the command's check refuses it for them). */
function sortOf(args: AnalyzeArgs): 'capture' | 'problems' {
  return args.sort === 'problems' ? 'problems' : 'capture';
}

/** Copies a worker's NDJSON file to stdout, waiting whenever stdout is full. */
async function copyOut(path: string): Promise<void> {
  if (!existsSync(path)) return; // a worker that died before writing anything
  const fd = openSync(path, 'r');
  try {
    await copyFile(fd, 0, fstatSync(fd).size, process.stdout);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a worker's NDJSON file back into reports (without the `file` every line
 * starts with): JSON round-trips them exactly, key order and numbers included, so the
 * formats print the same as from a report made here.
 */
async function readBack(path: string, visit: (c: ConnectionReport) => void): Promise<void> {
  if (!existsSync(path)) return; // a worker that died before writing anything
  for await (const line of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    if (line === '') continue;
    const { file: _file, ...report } = JSON.parse(line) as ConnectionReport & { file: string };
    visit(report);
  }
}

/** A private directory for the workers' output, or null (with a warning) if none can be made. */
function spoolDirectory(): string | null {
  try {
    return mkdtempSync(join(tmpdir(), 'teardown-jobs-'));
  } catch (err) {
    process.stderr.write(`teardown: warning: --jobs needs a temporary directory in ${tmpdir()} (${err instanceof Error ? err.message : String(err)}): analysing one file at a time\n`);
    return null;
  }
}
