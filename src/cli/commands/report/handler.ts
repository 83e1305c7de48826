import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { QuietSink } from '../../../pipeline/sink.js';
import { run } from '../../../pipeline/run.js';
import { reportHtml, type Ladder } from '../../../sinks/report/html.js';
import { renderLadder } from '../../../sinks/ladder.js';
import { ladderSvg } from '../../../sinks/report/ladder-svg.js';
import { ReportCollector, type ReportModel } from '../../../sinks/report/model.js';
import { ladderSegment, SegmentWindow } from '../../../sinks/segment-window.js';
import { writeOut } from '../../../sinks/stdout.js';
import { decodeOptions, type DecodeArgs } from '../../decode-options.js';
import { cannotWriteLine, EXIT_BAD_INPUT, EXIT_OK, failureLine, sayFileEnd } from '../../fail.js';
import { holdStdin, isOneOf } from '../../second-read.js';
import { trackerOptions, type TrackerArgs } from '../../tracker-options.js';
import { ownVersion } from '../../version.js';

export interface ReportArgs extends DecodeArgs, TrackerArgs {
  files: string[];
  output: string;
  detail: number;
  quiet: boolean;
}

/**
 * Reads the captures twice: once for the counts, charts and which connections get
 * detail, once more for the segments of those connections only (their ladders), so
 * memory holds the detailed connections' windows and never every connection's segments.
 * Standard input is kept in a temporary file for the second read.
 */
export async function reportHandler(args: ReportArgs): Promise<number> {
  const held = args.files.includes('-') ? await holdStdin() : null;
  const inputs = args.files.map((f) => (f === '-' ? held!.path : f));
  try {
    // Before any reading: the report must not replace a capture it reads.
    if (args.output !== '-' && (await isOneOf(args.output, inputs))) {
      process.stderr.write(failureLine(args.output, new Error('-o names a capture being read: give the report another name')) + '\n');
      return EXIT_BAD_INPUT;
    }
    const options = { decode: decodeOptions(args), tracker: trackerOptions(args) };
    const shown = new Map(inputs.map((input, i) => [input, args.files[i]!]));
    const collector = new ReportCollector({ detail: args.detail, displayName: (input) => shown.get(input) ?? input });
    await run(inputs, options, collector);
    const model = collector.result();
    // Every file's line on stderr; a damaged one earns exit 2, its report still written.
    const code = Math.max(EXIT_OK, ...model.files.map((f) => sayFileEnd(f.name, f, args.quiet)));
    const ladders = await drawLadders(inputs, options, model);
    const html = reportHtml({ model, ladders, chartJs: chartJsSource(), version: ownVersion() });
    if (args.output === '-') await writeOut(html);
    else {
      try {
        await writeFile(args.output, html);
      } catch (err) {
        process.stderr.write(cannotWriteLine(args.output, err) + '\n');
        return EXIT_BAD_INPUT;
      }
    }
    if (!args.quiet && args.output !== '-') {
      process.stderr.write(`teardown: ${args.output}: ${model.connections} connections, ${model.rows.length} with detail; open it in a browser\n`);
    }
    return code;
  } finally {
    await held?.release();
  }
}

/** The second read: each detailed connection's segments, as `show` chooses them, drawn. */
async function drawLadders(inputs: string[], options: Parameters<typeof run>[1], model: ReportModel): Promise<Map<string, Ladder>> {
  const ladders = new Map<string, Ladder>();
  for (let file = 0; file < inputs.length; file++) {
    const rows = model.rows.filter((r) => r.file === file);
    if (rows.length === 0) continue;
    const windows = new Map(rows.map((r) => [r.report.stream, new SegmentWindow({ kind: 'story' })]));
    const onSegment: Parameters<typeof run>[1]['onSegment'] = (rec, d, stream) => windows.get(stream)?.add(ladderSegment(rec, d));
    await run([inputs[file]!], { ...options, filter: { streams: [...windows.keys()] }, onSegment }, new (class extends QuietSink {
      connection(): void {}
    })());
    for (const r of rows) {
      const { segments, total } = windows.get(r.report.stream)!.result();
      const id = `ladder-${file}-${r.report.stream}`;
      ladders.set(`${file}:${r.report.stream}`, { svg: ladderSvg(r.report, segments, total, id), text: renderLadder(r.report, segments, total, null) });
    }
  }
  return ladders;
}

/** Chart.js's browser build, to inline (the package exports only its modules, so found beside them). */
function chartJsSource(): string {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}
