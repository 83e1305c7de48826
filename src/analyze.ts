import { formatWarning } from './capture/errors.js';
import type { CaptureEnd } from './capture/capture-end.js';
import type { CaptureInput } from './capture/reader.js';
import { decodeNotices } from './decode/notices.js';
import { connectionReport, type ConnectionReport } from './report/connection-report.js';
import { checkFilter, matches, type ConnectionFilter } from './report/filter.js';
import { HeldReports } from './report/held-reports.js';
import { HeldInMemory, StreamOrder, type HeldItems } from './report/stream-order.js';
import { summarize, type Summary } from './report/summary.js';
import { trackCapture, type TrackResult } from './track/track-capture.js';
import type { TrackerOptions, TrackerStats } from './track/tracker.js';

export interface AnalyzeOptions {
  /** Connection tracking limits (idle timeout, table size, ...). */
  tracker?: Partial<TrackerOptions>;
  /** Only connections that match. */
  filter?: ConnectionFilter;
}

/** A whole capture analysed (docs/output.md: `--format json`). */
export interface AnalysisResult {
  file: string;
  summary: Summary;
  connections: ConnectionReport[];
  /** One line each: the capture was cut short, link types not decoded, overflow, ... */
  warnings: string[];
  captureEnd: CaptureEnd | null;
  stats: TrackerStats;
}

/** The warnings a finished (or failed) read leaves, one line each. */
export function captureWarnings(result: TrackResult): string[] {
  const notes = [...result.summary.warnings.map(formatWarning), ...decodeNotices(result.decoder.counts)];
  if (result.stats.overflowPackets > 0) {
    notes.push(`${result.stats.overflowPackets} packets of connections not tracked: more than ${result.stats.peakTracked} open at once`);
  }
  return notes;
}

/** What a read leaves besides the connections: its warnings, and when it began. */
export interface CaptureOutcome {
  warnings: string[];
  /** The capture's first packet (seconds since the epoch): `--time relative` counts from it, as Wireshark's frame.time_relative does. */
  firstPacket: number | null;
}

export function captureOutcome(result: TrackResult): CaptureOutcome {
  return { warnings: captureWarnings(result), firstPacket: result.firstPacket };
}

/** What runAnalysis and reportConnections take besides the input. */
export type RunOptions = AnalyzeOptions & { beforeRead?: () => Promise<void> | void; onProgress?: (bytesRead: number) => void };

/**
 * Runs read → decode → track → diagnose over a capture, handing each connection's
 * report to `visit` as soon as the connection is over: in the order connections
 * finish, not stream order, and unfiltered. `beforeRead` is awaited before each read
 * from the input, so a slow consumer slows the reading. Throws a CaptureError for a
 * damaged capture after reporting what came before.
 */
export function reportConnections(input: CaptureInput, visit: (c: ConnectionReport) => void, options: RunOptions = {}): Promise<TrackResult> {
  return trackCapture(input, (tracked) => visit(connectionReport(tracked)), {
    tracker: options.tracker,
    read: { beforeRead: options.beforeRead, onProgress: options.onProgress },
  });
}

/**
 * As reportConnections, but only the reports that pass the filter, in the order of
 * the connections' first packets. Until its turn a report waits in `held`: by default
 * HeldReports, bounded however many wait; a caller that keeps every report anyway
 * passes HeldInMemory, which spares the JSON round trip.
 */
export async function runAnalysis(
  input: CaptureInput,
  visit: (c: ConnectionReport) => void,
  options: RunOptions = {},
  held: HeldItems<ConnectionReport> = new HeldReports(),
): Promise<TrackResult> {
  checkFilter(options.filter);
  const order = new StreamOrder<ConnectionReport>(held);
  const emit = (reports: Iterable<ConnectionReport>): void => {
    for (const c of reports) if (options.filter === undefined || matches(c, options.filter)) visit(c);
  };
  try {
    return await reportConnections(input, (c) => {
      order.add(c.stream, c);
      emit(order.ready());
    }, options);
  } finally {
    try {
      emit(order.rest());
    } finally {
      held.close();
    }
  }
}

/** As reportConnections (finish order), but only the reports that pass the filter. */
function reportMatching(input: CaptureInput, visit: (c: ConnectionReport) => void, options: RunOptions = {}): Promise<TrackResult> {
  checkFilter(options.filter);
  const filter = options.filter;
  return reportConnections(input, (c) => {
    if (filter === undefined || matches(c, filter)) visit(c);
  }, options);
}

/** Analyses a whole capture file: every connection, a summary and the warnings. */
export async function analyzeFile(path: string, options: AnalyzeOptions & { onProgress?: (bytesRead: number) => void } = {}): Promise<AnalysisResult> {
  const connections: ConnectionReport[] = [];
  const result = await runAnalysis(path, (c) => connections.push(c), options, new HeldInMemory());
  return { file: path, summary: summarize(connections), connections, warnings: captureWarnings(result), captureEnd: result.end, stats: result.stats };
}

/**
 * Streams a capture's connection reports as they become final: in the order of their
 * first packets, or with `order: 'finish'` in the order connections end. Reading pauses
 * while more than `buffered` reports wait for the consumer. In first-packet order a
 * report also waits for every earlier connection to end (a long first connection holds
 * all the others in memory); in finish order nothing waits, so memory stays bounded
 * however large the capture.
 */
export async function* analyze(input: CaptureInput, options: AnalyzeOptions & { buffered?: number; order?: 'capture' | 'finish' } = {}): AsyncGenerator<ConnectionReport> {
  const limit = options.buffered ?? 1000;
  const ready: ConnectionReport[] = [];
  let wake: (() => void) | null = null;
  let drained: (() => void) | null = null;
  let done = false;
  let stopped = false;
  let failure: unknown = null;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  const run = options.order === 'finish' ? reportMatching : runAnalysis;
  const running = run(
    input,
    (c) => {
      ready.push(c);
      notify();
    },
    {
      ...options,
      beforeRead: () => {
        // The consumer stopped iterating: stop reading too (the rejection ends the run).
        if (stopped) throw new StoppedReading();
        return ready.length > limit ? new Promise<void>((resolve) => (drained = resolve)) : undefined;
      },
    },
  ).then(
    () => {
      done = true;
      notify();
    },
    (err: unknown) => {
      if (!(err instanceof StoppedReading)) failure = err;
      done = true;
      notify();
    },
  );
  try {
    for (;;) {
      while (ready.length > 0) {
        yield ready.shift()!;
        if (ready.length <= limit / 2 && drained !== null) {
          const resume: () => void = drained;
          drained = null;
          resume();
        }
      }
      if (done) break;
      await new Promise<void>((resolve) => (wake = resolve));
    }
    if (failure !== null) throw failure;
  } finally {
    stopped = true;
    const resume = drained as (() => void) | null;
    resume?.();
    await running;
  }
}

/** Thrown into the reader when an `analyze` consumer stops early. */
class StoppedReading extends Error {}
