import { captureEnd, type CaptureEnd } from '../capture/capture-end.js';
import { readCapture, type CaptureInput, type CaptureSummary, type ReadOptions } from '../capture/reader.js';
import type { PacketRecord } from '../capture/record.js';
import { PacketDecoder, type DecodeOptions } from '../decode/packet.js';
import { trackedConnection, type TrackedConnection } from './report.js';
import { Tracker, type TrackerOptions, type TrackerStats } from './tracker.js';

/** Connections reported at capture end between two waits for the consumer. */
const FINISH_BATCH = 1024;

export interface TrackResult {
  summary: CaptureSummary;
  decoder: PacketDecoder;
  stats: TrackerStats;
  end: CaptureEnd | null;
  /** The first packet's time (seconds since the epoch), or null: none had one. */
  firstPacket: number | null;
}

/**
 * The pipeline up to connections: read, decode, track. Each connection is handed to
 * `visit` once it is over (closed and quiet, idle, replaced by port reuse) or at the
 * end of the capture, so the order is not stream order; memory holds only the
 * connections still open. A CaptureError is thrown after the connections seen before
 * the damage were reported.
 */
export async function trackCapture(
  input: CaptureInput,
  visit: (c: TrackedConnection) => void,
  options: {
    tracker?: Partial<TrackerOptions>;
    decode?: DecodeOptions;
    read?: ReadOptions;
    /** Called for each TCP segment with the stream it joined (-1: not tracked, or a bad checksum). */
    onSegment?: (rec: PacketRecord, decoder: PacketDecoder, stream: number) => void;
  } = {},
): Promise<TrackResult> {
  const decoder = new PacketDecoder(options.decode);
  const seed = options.tracker?.communityIdSeed ?? 0;
  const tracker = new Tracker((c, reason, at) => visit(trackedConnection(c, reason, at, seed)), options.tracker);
  let lastSec = 0;
  let lastNsec = 0;
  let any = false;
  let firstPacket: number | null = null;
  const onPacket = (rec: PacketRecord): void => {
    if (rec.hasTimestamp) {
      if (!any) firstPacket = rec.tsSec + rec.tsNsec / 1e9;
      lastSec = rec.tsSec;
      lastNsec = rec.tsNsec;
      any = true;
    }
    const outcome = decoder.decode(rec);
    if (outcome === 'tcp') {
      const stream = tracker.segment(rec, decoder);
      options.onSegment?.(rec, decoder, stream);
    }
    else if (outcome === 'icmp-error') tracker.icmpError(rec, decoder);
    // Left out of tracking; a consumer of segments (Zeek's view counts it) still sees it.
    else if (outcome === 'bad-checksum') options.onSegment?.(rec, decoder, -1);
  };
  const finish = async (summary: CaptureSummary): Promise<TrackResult> => {
    const end = captureEnd(summary.statisticsEnds, any ? { tsSec: lastSec, tsNsec: lastNsec } : null);
    const endTime = end === null ? 0 : end.tsSec + end.tsNsec / 1e9;
    // The same back-pressure as between reads: the consumer drains between batches.
    while (tracker.finish(endTime, FINISH_BATCH)) await options.read?.beforeRead?.();
    return { summary, decoder, stats: tracker.stats, end, firstPacket };
  };
  try {
    return await finish(await readCapture(input, onPacket, options.read));
  } catch (err) {
    const partial = (err as { summary?: CaptureSummary }).summary;
    if (partial !== undefined) await finish(partial);
    throw err;
  }
}
