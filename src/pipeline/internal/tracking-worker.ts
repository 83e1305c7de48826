/**
 * The tracking thread of a capture analysed on two threads (see tracking-thread.ts):
 * reads, decodes and tracks it, and posts its connections packed, in batches, to the
 * thread that diagnoses and writes them. Reading waits whenever IN_FLIGHT batches are
 * out (so for that thread, and for its stdout).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { captureWarnings } from '../warnings.js';
import { putU32le } from '../../capture/byte-order.js';
import { trackedCodec } from './packed-reports.js';
import { trackCapture } from '../../track/track-capture.js';
import { BATCH_BYTES, IN_FLIGHT, RECORD_HEADER, toFailure, type FromTracking, type ToTracking, type TrackingJob } from './tracking-thread.js';

const job = workerData as TrackingJob;
const port = parentPort!;
const packed = trackedCodec();
/** Batch buffers the other thread is done with, kept to fill again. */
const spare: ArrayBuffer[] = [];
let out = 0;
let batch = new Uint8Array(BATCH_BYTES);
let used = 0;
let wake: (() => void) | null = null;

port.on('message', (m: ToTracking) => {
  out--;
  if (spare.length < IN_FLIGHT) spare.push(m.done);
  wake?.();
  wake = null;
});

/** Posts the batch so far with the strings it introduced; its buffer goes with it. */
function post(): void {
  if (used === 0) return;
  const message: FromTracking = { batch: batch.buffer as ArrayBuffer, used, strings: packed.newStrings() };
  port.postMessage(message, [message.batch]);
  out++;
  const next = spare.pop();
  batch = next !== undefined ? new Uint8Array(next) : new Uint8Array(BATCH_BYTES);
  used = 0;
}

/**
 * Appends one connection: stream and length (uint32 each), then the packed record;
 * a full batch is posted first. (Connections finish between reads, during a read's
 * packets, so this cannot wait: the waiting is in beforeRead.)
 */
function add(stream: number, record: Uint8Array): void {
  const need = RECORD_HEADER + record.length;
  if (used + need > batch.length) {
    post();
    if (need > batch.length) batch = new Uint8Array(need); // a record larger than a batch: a buffer of its own
  }
  putU32le(batch, used, stream);
  putU32le(batch, used + 4, record.length);
  batch.set(record, used + RECORD_HEADER);
  used += need;
}

/** Before each read: waits while IN_FLIGHT batches are out. */
async function beforeRead(): Promise<void> {
  while (out >= IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
}

async function run(): Promise<void> {
  let end: FromTracking;
  try {
    const result = await trackCapture(job.file, (c) => add(c.stream, packed.pack(c)), {
      tracker: job.tracker,
      decode: job.decode,
      read: { beforeRead, onProgress: job.progress ? (n) => port.postMessage({ progress: n } satisfies FromTracking) : undefined },
    });
    end = { outcome: { warnings: captureWarnings(result), firstPacket: result.firstPacket } };
  } catch (err) {
    end = { failed: toFailure(err) };
  }
  post();
  port.postMessage(end);
}

void run();
