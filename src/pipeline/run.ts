import type { CaptureInput } from '../capture/reader.js';
import type { PacketRecord } from '../capture/record.js';
import type { DecodeOptions, PacketDecoder } from '../decode/packet.js';
import { checkFilter, type ConnectionFilter } from './filter.js';
import { captureWarnings } from './warnings.js';
import { trackCapture } from '../track/track-capture.js';
import { checkTrackerOptions, type TrackerOptions } from '../track/tracker.js';
import { Delivery } from './internal/delivery.js';
import { runJobs } from './internal/jobs.js';
import { trackOnThread } from './internal/tracking-thread.js';
import type { FileEnd, Sink } from './sink.js';

/** The order a sink receives connections in. */
export type DeliveryOrder =
  /** Of their first packets: Wireshark's tcp.stream order (docs/output.md). */
  | 'capture'
  /** As they finish: nothing waits, for tools that sort for themselves and for a live capture. */
  | 'finish';

/** How a run reads and tracks; what it delivers is the sink's business. */
export interface PipelineOptions {
  tracker?: Partial<TrackerOptions>;
  /** UDP ports of tunnels besides the defaults (decode/tunnel.ts). */
  decode?: DecodeOptions;
  /** Only connections that match reach the sink (all are counted). */
  filter?: ConnectionFilter;
  order?: DeliveryOrder;
  /** 2: a capture file is tracked on a worker thread while this one diagnoses and delivers. Decided per file; 1 when not given. */
  threads?: (file: string) => 1 | 2;
  /** Files analysed at once on worker threads (several files only; each file's connections still arrive together and in input order). */
  jobs?: number;
  /** A progress display for one file, for a person waiting on a large capture. */
  progress?: (file: string) => Progress;
  /** Each TCP segment with the stream it joined (-1: not tracked): `show` draws them. Reads on this thread. */
  onSegment?: (rec: PacketRecord, decoder: PacketDecoder, stream: number) => void;
}

export interface Progress {
  onProgress?: (bytesRead: number) => void;
  done(): void;
}

/**
 * The pipeline: reads each input, decodes, tracks, diagnoses, filters and orders its
 * connections, and delivers them to `sink`, file after file in input order. It is the
 * only place that does; the library and every command are a sink and options over it.
 * Throws HostPatternError before reading for a filter host that is no address, and a
 * RangeError for tracker options out of range (a Community ID seed past 16 bits); a
 * damaged capture is not thrown but handed to the sink as its file's failure, after the
 * connections before the damage.
 */
export async function run(inputs: readonly CaptureInput[], options: PipelineOptions, sink: Sink): Promise<void> {
  checkFilter(options.filter);
  checkTrackerOptions(options.tracker);
  const files = inputs.filter((i): i is string => typeof i === 'string');
  // Why --jobs could not run, said with the first file's warnings (null: it ran, or was not asked for).
  let notParallel: string | null = null;
  if ((options.jobs ?? 1) > 1 && inputs.length > 1 && files.length === inputs.length && options.onSegment === undefined) {
    const ran = await runJobs(files, options.jobs!, options, sink);
    if (ran === true) return sink.end();
    notParallel = ran;
  }
  for (const input of inputs) {
    const end = await runOne(input, options, sink);
    if (notParallel !== null) end.warnings.unshift(notParallel);
    notParallel = null;
    await sink.fileEnd(nameOf(input), end);
  }
  await sink.end();
}

/** An input as reports name it: its path, or `-` for a stream. */
export function nameOf(input: CaptureInput): string {
  return typeof input === 'string' ? input : '-';
}

/** One input to the sink; returns its end for the sink's fileEnd. */
export async function runOne(input: CaptureInput, options: PipelineOptions, sink: Sink): Promise<FileEnd> {
  const file = nameOf(input);
  const delivery = new Delivery(file, options.filter, options.order ?? 'capture', sink);
  const progress = options.progress?.(file);
  const onProgress = progress?.onProgress;
  // Standard input is read on this thread: its rate is set by whatever writes it, and only this thread can read it.
  const threads = typeof input === 'string' && input !== '-' && options.onSegment === undefined ? (options.threads?.(input) ?? 1) : 1;
  let end: Omit<FileEnd, 'count'> = { warnings: [], firstPacket: null, failure: null };
  try {
    if (threads === 2) {
      end = { ...(await trackOnThread(input as string, { tracker: options.tracker, decode: options.decode }, delivery, onProgress)), failure: null };
    } else {
      const result = await trackCapture(input, (c) => delivery.add(c), {
        tracker: options.tracker,
        decode: options.decode,
        read: { beforeRead: () => delivery.drain(), onProgress },
        onSegment: options.onSegment,
      });
      end = { warnings: captureWarnings(result), firstPacket: result.firstPacket, failure: null, captureEnd: result.end, stats: result.stats };
    }
  } catch (err) {
    end = { ...end, failure: err instanceof Error ? err : new Error(String(err)) };
  } finally {
    // Every connection seen, the damaged file's too, reaches the sink before its end.
    await delivery.end();
    progress?.done();
  }
  // Counted as connections were delivered, so only now, after the last of them.
  const warnings = delivery.problem === null ? end.warnings : [...end.warnings, delivery.problem];
  return { ...end, warnings, count: delivery.count };
}
