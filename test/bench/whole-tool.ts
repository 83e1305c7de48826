/**
 * `npm run bench` (second part): the whole tool against what people would otherwise
 * run, on the same real mixed capture (tens of thousands of short connections beside
 * bulk transfers, built by make-bench-capture.sh): `teardown analyze --format ndjson`
 * (on two threads, as a file this large gets by default, and on one), a bare Node loop over the record headers (the floor), `tcptrace -n -l`, and
 * `tshark -q -z conv,tcp`. Best wall time of RUNS runs, each from a warm page cache,
 * peak RSS from GNU time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { repeatCapture } from './repeat-capture.js';
import { time, type Timing } from './timing.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DIR = process.env.TEARDOWN_BENCH_DIR ?? '/tmp/tcp-teardown-bench';
const FILE = join(DIR, 'mixed.pcap');
/** The same traffic ten times over, two hours apart: memory must not follow capture length. */
const LONGER = join(DIR, 'mixed-x10.pcap');
const TIMES = 10;

const installed = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

if (!existsSync(FILE)) {
  console.error(`bench: building the benchmark captures in ${DIR} (needs root)`);
  const built = spawnSync('bash', [join(REPO, 'test', 'bench', 'make-bench-capture.sh'), DIR], { stdio: 'inherit' });
  if (built.status !== 0) process.exit(1);
}
const node = process.execPath;
const CLI = join(REPO, 'dist', 'src', 'cli', 'main.js');
const rows: [string, Timing | null][] = [
  ['teardown analyze --format ndjson', time([node, CLI, 'analyze', '--format', 'ndjson', '--quiet', FILE], undefined, true, FILE)],
  ['teardown analyze --format ndjson --threads 1', time([node, CLI, 'analyze', '--format', 'ndjson', '--threads', '1', '--quiet', FILE], undefined, false, FILE)],
  ['bare Node header loop', time([node, join(REPO, 'dist', 'test', 'bench', 'bare-loop.js'), FILE], undefined, false, FILE)],
  ['tcptrace -n -l', installed('tcptrace') ? time(['tcptrace', '-n', '-l', FILE], undefined, false, FILE) : null],
  ['tshark -q -z conv,tcp', installed('tshark') ? time(['tshark', '-q', '-z', 'conv,tcp', '-r', FILE], undefined, false, FILE) : null],
];
const ours = rows[0]![1]!;
const table = new Table({ head: ['what', 'seconds', 'peak RSS MB', 'teardown is'] });
for (const [what, t] of rows) {
  if (t === null) {
    table.push([what, 'not installed', '', '']);
    continue;
  }
  const ratio = t.seconds / ours.seconds;
  table.push([what, t.seconds.toFixed(2), t.rssMb.toFixed(0), t === ours ? '' : ratio >= 1 ? `${ratio.toFixed(1)}x faster` : `${(1 / ratio).toFixed(1)}x slower`]);
}
console.log(`${FILE}: ${(statSync(FILE).size / 1e9).toFixed(2)} GB, ${ours.stdoutLines} connections`);
console.log(table.toString());

if (!existsSync(LONGER)) await repeatCapture(FILE, LONGER, TIMES, 7200);
const longer = time([node, CLI, 'analyze', '--format', 'ndjson', '--quiet', LONGER], 1);
console.log(`${LONGER}: ${(statSync(LONGER).size / 1e9).toFixed(2)} GB (${TIMES} copies): teardown analyze --format ndjson ` +
  (longer === null ? 'failed' : `${longer.seconds.toFixed(2)} s, peak RSS ${longer.rssMb.toFixed(0)} MB (the ${TIMES}x shorter file: ${ours.rssMb.toFixed(0)} MB)`));
