import { on } from 'node:events';
import { Worker } from 'node:worker_threads';
import { CaptureError, type CaptureErrorKind } from '../../capture/errors.js';
import { i32le } from '../../capture/byte-order.js';
import type { TrackerOptions } from '../../track/tracker.js';
import type { DecodeOptions } from '../../decode/packet.js';

/**
 * A capture file analysed on two threads (`--threads 2`, the default for a large file
 * on 2+ cores; see threads.ts): a worker reads, decodes and tracks
 * (tracking-worker.ts), this thread diagnoses and delivers (delivery.ts). Connections cross packed
 * (packed.ts, ~370 bytes each) in batches whose buffers are handed over, not copied,
 * and come back to be filled again; the strings a batch's records introduced go with
 * it, for this thread's codec to learn. What it gains and costs: README "Benchmark".
 */

/** What the tracking thread is started with. */
export interface TrackingJob {
  file: string;
  tracker: Partial<TrackerOptions> | undefined;
  decode: DecodeOptions | undefined;
  /** Post the bytes read after every read (for a progress bar), not only with batches. */
  progress: boolean;
}

/**
 * What the tracking thread posts: batches, the bytes read after each read (only when
 * asked: a capture of a few long transfers may finish no connection for a gigabyte),
 * then its end (warnings and first packet, or the failure's message).
 */
export type FromTracking = { batch: ArrayBuffer; used: number; strings: string[] } | { progress: number } | { outcome: CaptureOutcome } | { failed: Failure };

/** What a read leaves besides its connections, as the tracking thread reports it. */
export interface CaptureOutcome {
  warnings: string[];
  firstPacket: number | null;
}

/** An error as it crosses threads: a CaptureError keeps its kind and offset (an Error would arrive as a plain object). */
export type Failure = { kind: CaptureErrorKind; what: string; offset: number | null } | { message: string };

export function toFailure(err: unknown): Failure {
  if (err instanceof CaptureError) return { kind: err.kind, what: err.what, offset: err.offset };
  return { message: err instanceof Error ? err.message : String(err) };
}

export function fromFailure(f: Failure): Error {
  return 'kind' in f ? new CaptureError(f.kind, f.what, f.offset) : new Error(f.message);
}

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
 * Tracks `file` on a worker thread, handing each connection to `to` packed; returns the
 * capture's outcome, or throws the capture's failure (a CaptureError still) after
 * every connection tracked before it was handed over.
 */
export async function trackOnThread(
  file: string,
  options: { tracker: Partial<TrackerOptions> | undefined; decode: DecodeOptions | undefined },
  to: PackedConnections,
  onProgress?: (bytesRead: number) => void,
): Promise<CaptureOutcome> {
  const job: TrackingJob = { file, ...options, progress: onProgress !== undefined };
  const worker = new Worker(new URL('./tracking-worker.js', import.meta.url), { workerData: job });
  const stopped = new AbortController();
  worker.once('exit', () => stopped.abort());
  try {
    for await (const [m] of on(worker, 'message', { signal: stopped.signal }) as AsyncIterable<[FromTracking]>) {
      if ('failed' in m) throw fromFailure(m.failed);
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
