import type { CaptureEnd } from './capture/capture-end.js';
import type { CaptureInput } from './capture/reader.js';
import type { DecodeOptions } from './decode/packet.js';
import type { ConnectionReport } from './diagnosis/report.js';
import type { ConnectionFilter } from './pipeline/filter.js';
import { SummaryBuilder, type Summary } from './sinks/summary.js';
import type { TrackerOptions, TrackerStats } from './track/tracker.js';
import { run, type DeliveryOrder } from './pipeline/run.js';
import { QuietSink, type FileEnd } from './pipeline/sink.js';

/** The library's adapters over the pipeline (run.ts): a whole file's result, or its reports as a stream. */

export interface AnalyzeOptions {
  /** Connection tracking limits (idle timeout, table size, ...). */
  tracker?: Partial<TrackerOptions>;
  /** UDP ports of tunnels besides the defaults: `{ udpTunnelPorts: { 8472: 'vxlan' } }`. */
  decode?: DecodeOptions;
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

/** Keeps every report and the file's end; a damaged capture rejects with its CaptureError. */
class Collected extends QuietSink {
  readonly connections: ConnectionReport[] = [];
  readonly summary = new SummaryBuilder();
  ended: FileEnd | null = null;

  connection(c: ConnectionReport): void {
    this.connections.push(c);
    this.summary.add(c);
  }

  override async fileEnd(_file: string, end: FileEnd): Promise<void> {
    if (end.failure !== null) throw end.failure;
    this.ended = end;
  }
}

/** Analyses a whole capture file: every connection, a summary and the warnings. */
export async function analyzeFile(path: string, options: AnalyzeOptions & { onProgress?: (bytesRead: number) => void } = {}): Promise<AnalysisResult> {
  const sink = new Collected();
  const onProgress = options.onProgress;
  await run([path], { ...options, progress: onProgress === undefined ? undefined : () => ({ onProgress, done: () => undefined }) }, sink);
  const end = sink.ended!;
  return { file: path, summary: sink.summary.summary(), connections: sink.connections, warnings: end.warnings, captureEnd: end.captureEnd ?? null, stats: end.stats! };
}

/**
 * Streams a capture's connection reports as they become final: in the order of their
 * first packets, or with `order: 'finish'` in the order connections end. Reading pauses
 * while more than `buffered` reports wait for the consumer, and stops when the consumer
 * stops. In first-packet order a report also waits for every earlier connection to end
 * (a long first connection holds all the others back, packed and then on disk); in
 * finish order nothing waits.
 */
export async function* analyze(input: CaptureInput, options: AnalyzeOptions & { buffered?: number; order?: DeliveryOrder } = {}): AsyncGenerator<ConnectionReport> {
  const sink = new Handover(options.buffered ?? 1000);
  const running = run([input], options, sink).then(
    () => sink.finish(null),
    (err: unknown) => sink.finish(err instanceof StoppedReading ? null : err),
  );
  try {
    yield* sink.reports();
  } finally {
    sink.stop();
    await running;
  }
}

/**
 * Hands reports from the pipeline to an async consumer. The pipeline waits in flush()
 * (before each read) while `limit` reports wait; when the consumer stops, flush()
 * throws StoppedReading, which ends the run.
 */
class Handover extends QuietSink {
  private readonly ready: ConnectionReport[] = [];
  private wake: (() => void) | null = null;
  private drained: (() => void) | null = null;
  private done = false;
  private stopped = false;
  private failure: unknown = null;

  constructor(private readonly limit: number) {
    super();
  }

  connection(c: ConnectionReport): void {
    if (this.stopped) return;
    this.ready.push(c);
    this.notify();
  }

  override flush(): Promise<void> {
    if (this.stopped) return Promise.reject(new StoppedReading());
    return this.ready.length > this.limit ? new Promise<void>((resolve) => (this.drained = resolve)) : Promise.resolve();
  }

  override async fileEnd(_file: string, end: FileEnd): Promise<void> {
    if (end.failure !== null && !(end.failure instanceof StoppedReading)) throw end.failure;
  }

  finish(failure: unknown): void {
    this.failure = failure;
    this.done = true;
    this.notify();
  }

  stop(): void {
    this.stopped = true;
    this.resume();
  }

  async *reports(): AsyncGenerator<ConnectionReport> {
    for (;;) {
      while (this.ready.length > 0) {
        yield this.ready.shift()!;
        if (this.ready.length <= this.limit / 2) this.resume();
      }
      if (this.done) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    if (this.failure !== null) throw this.failure;
  }

  private notify(): void {
    this.wake?.();
    this.wake = null;
  }

  private resume(): void {
    const resume = this.drained;
    this.drained = null;
    resume?.();
  }
}

/** Thrown into the pipeline when an `analyze` consumer stops early. */
class StoppedReading extends Error {}
