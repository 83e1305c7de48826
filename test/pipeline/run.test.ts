import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// The built pipeline: its worker threads are the built modules beside it (npm test builds first).
import { run, type PipelineOptions } from '../../dist/src/pipeline/run.js';
import type { FileEnd, Sink } from '../../dist/src/pipeline/sink.js';
import type { ConnectionReport } from '../../dist/src/report/connection-report.js';
import { CaptureError } from '../../dist/src/capture/errors.js';
import { CORPUS, HAS_CORPUS, READER_FIXTURES, REPO, corpusCaptures } from '../helpers/paths.js';

/** Everything a sink is handed, in the order it was handed: what every output is made of. */
class Recording implements Sink {
  readonly blocked = false;
  readonly seen: string[] = [];

  connection(c: ConnectionReport, file: string): void {
    this.seen.push(`${file} connection ${JSON.stringify(c)}`);
  }

  async flush(): Promise<void> {}

  async fileEnd(file: string, end: FileEnd): Promise<void> {
    const failure = end.failure === null ? null : { name: end.failure.name, message: end.failure.message, kind: (end.failure as CaptureError).kind };
    this.seen.push(`${file} end ${JSON.stringify({ warnings: end.warnings, firstPacket: end.firstPacket, count: end.count, failure })}`);
  }

  async end(): Promise<void> {
    this.seen.push('end');
  }
}

async function delivered(files: string[], options: PipelineOptions): Promise<string[]> {
  const sink = new Recording();
  await run(files, options, sink);
  return sink.seen;
}

const lab = ['mixed.pcap', 'ipv6-abort.pcap', 'keepalive-dead-peer.pcap', 'close-wait-leak.pcap', 'rst-out-of-window.pcap'].map((f) => join(REPO, 'fixtures', 'lab', f));
const files = [
  ...lab,
  join(REPO, 'fixtures', 'demo.pcap'),
  // Cut short (a warning), and damaged (its connections before the damage, then its failure, typed).
  join(READER_FIXTURES, 'truncated-mid-packet.pcap'),
  join(READER_FIXTURES, 'broken-caplen.pcap'),
  ...(HAS_CORPUS ? corpusCaptures().slice(0, 12).map((f) => join(CORPUS, f)) : []),
];

describe('the pipeline', () => {
  it('delivers the same, in the same order, on one thread, two threads and --jobs', async () => {
    const filter = { problems: true };
    for (const order of ['capture', 'finish'] as const) {
      const one = await delivered(files, { order, filter, threads: () => 1 });
      const two = await delivered(files, { order, filter, threads: () => 2 });
      const jobs = await delivered(files, { order, filter, jobs: 3 });
      expect(one.length).toBeGreaterThan(files.length + 100);
      if (order === 'capture') {
        expect(two).toEqual(one);
        expect(jobs).toEqual(one);
      } else {
        // As connections finish, which two threads may interleave differently with their batches.
        expect([...two].sort()).toEqual([...one].sort());
        expect([...jobs].sort()).toEqual([...one].sort());
      }
    }
  });

  it('delivers in stream order, every filtered connection counted', async () => {
    const sink = new Recording();
    await run([join(REPO, 'fixtures', 'lab', 'mixed.pcap')], { filter: { endings: ['reset'] } }, sink);
    const streams = sink.seen.filter((l) => / connection \{/.test(l)).map((l) => (JSON.parse(l.replace(/^\S+ connection /, '')) as ConnectionReport).stream);
    expect(streams.length).toBeGreaterThan(5);
    expect(streams).toEqual([...streams].sort((a, b) => a - b));
    const end = JSON.parse(sink.seen.at(-2)!.replace(/^\S+ end /, '')) as FileEnd;
    expect(end.count.matched).toBe(streams.length);
    expect(end.count.connections).toBeGreaterThan(streams.length);
  });

  it('hands a damaged capture over as its failure, a CaptureError on either thread', async () => {
    for (const threads of [1, 2] as const) {
      const ends: FileEnd[] = [];
      const sink = new Recording();
      sink.fileEnd = async (_file, end) => void ends.push(end);
      await run([join(READER_FIXTURES, 'broken-magic.pcap')], { threads: () => threads }, sink);
      expect(ends[0]!.failure).toBeInstanceOf(CaptureError);
      expect((ends[0]!.failure as CaptureError).offset).toBe(0);
    }
  });
});
