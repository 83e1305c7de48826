/**
 * `npm run bench`: throughput of reading + decoding to TCP (and + connection tracking) on a ~1 GB capture of real
 * kernel traffic, on its 96-byte-snaplen copy and on a pcapng copy, beside a bare Node
 * loop that only walks classic-pcap record headers and beside pcap-parser (both for
 * classic pcap only; pcapng rows compare with the classic file's bare loop). Then the
 * same on the mixed capture that whole-tool.ts times end to end: its "reader + decode +
 * track" row is the floor of `analyze` there, everything but diagnosing and writing,
 * and its "diagnose + write lines" row is that other half alone (see packedConnections).
 * Builds the captures first if they are missing (make-bench-capture.sh, needs root).
 * Prints the best of RUNS runs each, with the garbage collections seen during the best
 * run of each row.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync, createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { GCProfiler } from 'node:v8';
import Table from 'cli-table3';
import { readCapture } from '../../src/capture/reader.js';
import { PacketDecoder } from '../../src/decode/packet.js';
import { connectionReport } from '../../src/diagnosis/report.js';
import { JsonBytes } from '../../src/pipeline/internal/json-bytes.js';
import { trackedCodec } from '../../src/pipeline/internal/packed-reports.js';
import { writeReportJson } from '../../src/pipeline/internal/report-json.js';
import { trackCapture } from '../../src/track/track-capture.js';
import { bareLoop, type Outcome } from './bare-loop.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DIR = process.env.TEARDOWN_BENCH_DIR ?? '/tmp/tcp-teardown-bench';
const FILES = ['bulk.pcap', 'bulk-snap96.pcap', 'bulk.pcapng', 'mixed.pcap'];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function readerOnly(path: string): Promise<Outcome> {
  let check = 0;
  const summary = await readCapture(path, (r) => {
    check += r.capturedLength;
  });
  return { packets: summary.frames, check };
}

async function readerAndDecoder(path: string): Promise<Outcome> {
  const decoder = new PacketDecoder();
  let check = 0;
  const summary = await readCapture(path, (r) => {
    if (decoder.decode(r) === 'tcp') check += decoder.tcp.payloadLength;
  });
  return { packets: summary.frames, check };
}

async function readDecodeTrack(path: string): Promise<Outcome> {
  let check = 0;
  const result = await trackCapture(path, (c) => {
    check += c.packets.client + c.packets.server;
  });
  return { packets: result.summary.frames, check };
}

/**
 * The writing thread's work in `analyze --format ndjson`, alone: each connection
 * unpacked, diagnosed and written as its NDJSON line (into memory), from the capture's
 * connections packed once beforehand as the tracking thread hands them over. With the
 * "reader + decode + track" row it splits the run's work in two.
 */
async function packedConnections(path: string): Promise<() => Promise<Outcome>> {
  const codec = trackedCodec();
  const records: Uint8Array[] = [];
  const result = await trackCapture(path, (c) => records.push(Uint8Array.from(codec.pack(c))));
  const json = new JsonBytes();
  return async () => {
    let check = 0;
    for (const record of records) {
      json.clear();
      writeReportJson(json, connectionReport(codec.unpack(record)));
      check += json.bytes.length;
    }
    return { packets: result.summary.frames, check };
  };
}

const pcapParser = createRequire(import.meta.url)('pcap-parser') as { parse(input: NodeJS.ReadableStream): NodeJS.EventEmitter };

function viaPcapParser(path: string): Promise<Outcome> {
  return new Promise((done) => {
    let packets = 0;
    let check = 0;
    const parser = pcapParser.parse(createReadStream(path, { highWaterMark: 1 << 20 }));
    parser.on('packet', (p: { header: { capturedLength: number } }) => {
      packets++;
      check += p.header.capturedLength;
    });
    parser.on('end', () => done({ packets, check }));
  });
}

interface Row {
  seconds: number;
  gcs: number;
  outcome: Outcome;
}

async function best(run: (path: string) => Promise<Outcome>, path: string, runs: number): Promise<Row> {
  let top: Row | null = null;
  for (let i = 0; i < runs; i++) {
    // V8's own list of the collections, complete when stop() returns. A
    // PerformanceObserver's 'gc' entries come later than the next turn of the event
    // loop: disconnected after a setImmediate, it counted none over a loop that
    // --trace-gc showed collecting 6 times, and the "diagnose + write lines" row read 0.
    const profiler = new GCProfiler();
    profiler.start();
    const start = performance.now();
    const outcome = await run(path);
    const seconds = (performance.now() - start) / 1000;
    const gcs = profiler.stop().statistics.length;
    if (top === null || seconds < top.seconds) top = { seconds, gcs, outcome };
  }
  return top!;
}

function ensureCaptures(): void {
  if (FILES.every((f) => existsSync(join(DIR, f)))) return;
  console.error(`bench: building the benchmark captures in ${DIR} (needs root; about 15 s)`);
  const built = spawnSync('bash', [join(REPO, 'test', 'bench', 'make-bench-capture.sh'), DIR], { stdio: 'inherit' });
  if (built.status !== 0) {
    console.error('bench: could not build the captures (run as root with tcpdump, editcap, ethtool, iproute2)');
    process.exit(1);
  }
}

async function main(): Promise<void> {
  ensureCaptures();
  const table = new Table({ head: ['file', 'what', 'packets', 'seconds', 'Mpackets/s', 'GB/s', 'vs bare loop', 'GCs'] });
  const bareLoops = new Map<string, Row>();
  for (const file of FILES) {
    const path = join(DIR, file);
    const bytes = statSync(path).size;
    const classic = file.endsWith('.pcap');
    await readerOnly(path); // warm the page cache
    const rows: [string, Row][] = [];
    if (classic) {
      bareLoops.set(file, await best(bareLoop, path, RUNS));
      rows.push(['bare header loop', bareLoops.get(file)!]);
    }
    rows.push(
      ['reader', await best(readerOnly, path, RUNS)],
      ['reader + decode to TCP', await best(readerAndDecoder, path, RUNS)],
      ['reader + decode + track', await best(readDecodeTrack, path, RUNS)],
    );
    if (file === 'mixed.pcap') rows.push(['diagnose + write lines', await best(await packedConnections(path), path, RUNS)]);
    if (classic) rows.push(['pcap-parser', await best(viaPcapParser, path, Math.min(RUNS, 2))]);
    // A pcapng copy is compared with the bare loop over the same packets in classic pcap.
    const reference = file.replace(/\.pcapng$/, '.pcap');
    const bare = bareLoops.get(reference);
    if (bare === undefined) throw new Error(`${reference} must be measured before ${file}`);
    for (const [what, row] of rows) {
      if (row.outcome.packets !== bare.outcome.packets) throw new Error(`${what} saw ${row.outcome.packets} packets, the bare loop ${bare.outcome.packets}`);
      table.push([
        `${file} (${(bytes / 1e9).toFixed(2)} GB)`,
        what,
        row.outcome.packets,
        row.seconds.toFixed(3),
        (row.outcome.packets / row.seconds / 1e6).toFixed(2),
        (bytes / row.seconds / 1e9).toFixed(2),
        `${(row.seconds / bare.seconds).toFixed(2)}x${classic ? '' : ` (of ${reference})`}`,
        row.gcs,
      ]);
    }
  }
  console.log(table.toString());
  console.log(`node ${process.version}, best of ${RUNS} runs (pcap-parser: ${Math.min(RUNS, 2)}), peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}

await main();
