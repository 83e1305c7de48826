import { on } from 'node:events';
import { Worker } from 'node:worker_threads';
import { captureOutcome, reportConnections, type CaptureOutcome, type RunOptions } from '../analyze.js';
import { i32le } from '../byte-order.js';
import { connectionReport, type ConnectionReport } from '../report/connection-report.js';
import { trackedCodec } from '../report/packed-reports.js';
import type { TrackerOptions } from '../track/tracker.js';

/**
 * A capture file analysed on two threads (`--threads 2`, the default for a large file
 * on 2+ cores; see threads.ts): a worker reads, decodes and tracks
 * (tracking-worker.ts), this thread diagnoses and writes. Connections cross packed
 * (packed.ts, ~370 bytes each) in batches whose buffers are handed over, not copied,
 * and come back to be filled again; the strings a batch's records introduced go with
 * it, for this thread's codec to learn. What it gains and costs: README "Benchmark".
 */

/** What the tracking thread is started with. */
export interface TrackingJob {
  file: string;
  tracker: Partial<TrackerOptions> | undefined;
  /** Post the bytes read after every read (for a progress bar), not only with batches. */
  progress: boolean;
}

/**
 * What the tracking thread posts: batches, the bytes read after each read (only when
 * asked: a capture of a few long transfers may finish no connection for a gigabyte),
 * then its end (warnings and first packet, or the failure's message).
 */
export type FromTracking = { batch: ArrayBuffer; used: number; strings: string[] } | { progress: number } | { outcome: CaptureOutcome } | { failed: string };

/** What this thread posts back: a batch buffer it is done with. */
export interface ToTracking {
  done: ArrayBuffer;
}

/** A batch's size: ~700 connections. */
export const BATCH_BYTES = 256 * 1024;
/** Batches out at once: the tracking thread waits beyond that (1 MB in flight). */
export const IN_FLIGHT = 4;
/** Before each record: its stream and its length (uint32 little-endian each). */
export const RECORD_HEADER = 8;

/** Receives the tracking thread's connections: the strings first, then each record. */
export interface PackedConnections {
  learnStrings(strings: readonly string[]): void;
  addPacked(stream: number, record: Uint8Array): void;
  /** Between two batches: lets written output drain (the tracking thread waits meanwhile, past IN_FLIGHT). */
  drain(): Promise<void>;
}

/**
 * reportConnections (analyze.ts) on one thread or two: each connection's report to
 * `visit` as the connection finishes; returns the capture's outcome, or throws after
 * reporting what came before the damage.
 */
export async function reportConnectionsOn(threads: 1 | 2, file: string, visit: (c: ConnectionReport) => void, options: RunOptions = {}): Promise<CaptureOutcome> {
  if (threads === 1) return captureOutcome(await reportConnections(file, visit, options));
  const packed = trackedCodec();
  const to: PackedConnections = {
    learnStrings: (strings) => packed.learnStrings(strings),
    addPacked: (_stream, record) => visit(connectionReport(packed.unpack(record))),
    drain: async () => {
      await options.beforeRead?.();
    },
  };
  return trackOnThread(file, options.tracker, to, options.onProgress);
}

/**
 * Tracks `file` on a worker thread, handing each connection to `to` packed; returns the
 * capture's outcome, or throws (an Error with the one-line message the capture's
 * failure has) after every connection tracked before it was handed over.
 */
export async function trackOnThread(file: string, tracker: Partial<TrackerOptions> | undefined, to: PackedConnections, onProgress?: (bytesRead: number) => void): Promise<CaptureOutcome> {
  const job: TrackingJob = { file, tracker, progress: onProgress !== undefined };
  const worker = new Worker(new URL('./tracking-worker.js', import.meta.url), { workerData: job });
  const stopped = new AbortController();
  worker.once('exit', () => stopped.abort());
  try {
    for await (const [m] of on(worker, 'message', { signal: stopped.signal }) as AsyncIterable<[FromTracking]>) {
      if ('failed' in m) throw new Error(m.failed);
      if ('progress' in m) {
        onProgress?.(m.progress);
        continue;
      }
      if ('outcome' in m) return m.outcome;
      to.learnStrings(m.strings);
      const bytes = Buffer.from(m.batch, 0, m.used);
      for (let at = 0; at < m.used; ) {
        const stream = i32le(bytes, at) >>> 0;
        const length = i32le(bytes, at + 4) >>> 0;
        at += RECORD_HEADER;
        to.addPacked(stream, bytes.subarray(at, at + length));
        at += length;
      }
      await to.drain();
      worker.postMessage({ done: m.batch } satisfies ToTracking, [m.batch]);
    }
  } catch (err) {
    if (stopped.signal.aborted && (err as Error).name === 'AbortError') throw new Error('the tracking thread stopped');
    throw err;
  } finally {
    await worker.terminate();
  }
  throw new Error('the tracking thread stopped');
}
