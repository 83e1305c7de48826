import { decodeOptions, type DecodeArgs } from '../../decode-options.js';
import type { ConnectionReport } from '../../../diagnosis/report.js';
import type { ConnectionFilter, EndingFilter } from '../../../pipeline/filter.js';
import { run, type PipelineOptions } from '../../../pipeline/run.js';
import type { FileEnd, Sink } from '../../../pipeline/sink.js';
import { formatSink } from '../../../sinks/formats.js';
import { NdjsonSink } from '../../../sinks/ndjson.js';
import type { ZeekLogSink, ZeekStyle } from '../../../sinks/zeek-log.js';
import { EXIT_BAD_INPUT, EXIT_OK, sayFileEnd } from '../../fail.js';
import { progressFor } from '../../progress.js';
import { threadsFor, type ThreadsArgs } from '../../threads.js';
import { trackerOptions, type TrackerArgs } from '../../tracker-options.js';
import type { LimitArgs } from '../../table-limit.js';
import { tableLook, type TimeArgs } from '../../table-look.js';

export interface AnalyzeArgs extends TrackerArgs, DecodeArgs, LimitArgs, ThreadsArgs, TimeArgs {
  files: string[];
  format: 'table' | 'json' | 'ndjson' | 'csv' | ZeekStyle | 'parquet';
  sort: 'capture' | 'problems' | 'finish';
  ending?: EndingFilter[];
  problems: boolean;
  host?: string[];
  port?: number[];
  stream?: number[];
  /** No warnings and no progress bar on stderr. */
  quiet: boolean;
  /** Files analysed at once on worker threads. */
  jobs: number;
}

/** Analyses each file into the format's sink: a report per file, labelled when there are several. */
export async function analyzeHandler(args: AnalyzeArgs): Promise<number> {
  const filter: ConnectionFilter = { endings: args.ending, problems: args.problems, hosts: args.host, ports: args.port, streams: args.stream };
  let zeek: ZeekLogSink | null = null;
  let format: Sink;
  // The Zeek and Parquet sinks are loaded only when asked for: their modules would add
  // their loading to every command's start.
  if (args.format === 'zeek' || args.format === 'zeek-json') format = zeek = new (await import('../../../sinks/zeek-log.js')).ZeekLogSink(args.format, process.stdout, args.checksums === true);
  else if (args.format === 'ndjson') format = new NdjsonSink();
  else if (args.format === 'parquet') format = new (await import('../../../sinks/parquet.js')).ParquetSink();
  else format = formatSink(args.format, sortOf(args), args.limit, args.files.length, tableLook(args));
  const sink = new SaidOnStderr(format, args);
  const options: PipelineOptions = {
    filter,
    tracker: trackerOptions(args),
    decode: decodeOptions(args),
    // NDJSON with --sort finish goes as connections finish; so does the table, which keeps
    // its first rows by stream number whatever the order (sparing the wait in order);
    // CSV and JSON are written in stream order.
    // Zeek's rows go as they complete (the sink pairs each with its report).
    order: (args.format === 'ndjson' && args.sort === 'finish') || args.format === 'table' || zeek !== null ? 'finish' : 'capture',
    threads: (file) => threadsFor(file, args.threads),
    jobs: args.jobs,
    progress: (file) => progressFor(file, args.quiet),
    // Zeek's rows need every segment: the file is read on this thread.
    onSegment: zeek?.segment,
  };
  await run(args.files, options, sink);
  return sink.exitCode;
}

/** The format's sink, with each file's failure or warnings said on stderr after its part of the report. */
class SaidOnStderr implements Sink {
  exitCode = EXIT_OK;
  readonly copyLines: Sink['copyLines'];

  constructor(
    private readonly format: Sink,
    private readonly args: AnalyzeArgs,
  ) {
    this.copyLines = format.copyLines?.bind(format);
  }

  connection(c: ConnectionReport, file: string): void {
    this.format.connection(c, file);
  }

  get blocked(): boolean {
    return this.format.blocked;
  }

  flush(): Promise<void> {
    return this.format.flush();
  }

  async fileEnd(file: string, end: FileEnd): Promise<void> {
    await this.format.fileEnd(file, end);
    if (sayFileEnd(file, end, this.args.quiet) !== EXIT_OK) {
      this.exitCode = EXIT_BAD_INPUT;
      return;
    }
    if (this.args.quiet) return;
    // An empty report must not pass for a capture without such connections when it is a typo in a filter.
    const filtered = filterText(this.args);
    const { connections, matched } = end.count;
    if (filtered !== null && matched === 0 && connections > 0) {
      process.stderr.write(`teardown: ${file}: no connection matches ${filtered} (of ${connections} connection${connections === 1 ? '' : 's'})\n`);
    }
  }

  end(): Promise<void> {
    return this.format.end();
  }
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
