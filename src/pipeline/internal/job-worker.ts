/**
 * Worker thread for `--jobs N`: runs the pipeline on the files it is sent, one at a
 * time, each into an NDJSON file at the path it is given (NDJSON because it is one
 * line per report and JSON round-trips a report exactly: the parent copies the lines
 * out, or reads them back for another sink, in input order, so nothing waits in memory)
 * and posts the file's end back.
 */
import { createWriteStream } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { CaptureInput } from '../../capture/reader.js';
import type { ConnectionFilter } from '../filter.js';
import type { TrackerOptions } from '../../track/tracker.js';
import type { DecodeOptions } from '../../decode/packet.js';
import { NdjsonSink } from '../../sinks/ndjson.js';
import { runOne, type DeliveryOrder } from '../run.js';
import { toFailure, type Failure } from './tracking-thread.js';
import type { FileEnd } from '../sink.js';

export interface Job {
  index: number;
  file: string;
  tracker: Partial<TrackerOptions> | undefined;
  decode: DecodeOptions | undefined;
  filter: ConnectionFilter | undefined;
  /** Where the file's NDJSON goes, and in which order. */
  ndjsonTo: string;
  order: DeliveryOrder;
}

/** A file's end as it crosses back: its failure made cloneable. */
export type JobEnd = Omit<FileEnd, 'failure' | 'captureEnd' | 'stats'> & { failure: Failure | null };

async function runJob(job: Job): Promise<JobEnd> {
  const out = createWriteStream(job.ndjsonTo);
  try {
    const input: CaptureInput = job.file;
    const { warnings, firstPacket, count, failure } = await runOne(input, { tracker: job.tracker, decode: job.decode, filter: job.filter, order: job.order }, new NdjsonSink(out));
    return { warnings, firstPacket, count, failure: failure === null ? null : toFailure(failure) };
  } finally {
    // Every line on disk before the parent is told to read them.
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

parentPort?.on('message', (job: Job) => {
  runJob(job).then(
    (end) => parentPort?.postMessage({ index: job.index, end }),
    (err: unknown) => parentPort?.postMessage({ index: job.index, end: { warnings: [], firstPacket: null, count: { connections: 0, matched: 0 }, failure: toFailure(err) } satisfies JobEnd }),
  );
});
