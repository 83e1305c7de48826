/**
 * `npm run bench` (third part): the worst case for memory, a SYN flood of N distinct
 * connections (default 1,000,000; crafted by synflood.py, no root needed). Times
 * `teardown analyze --format ndjson` with the default connection cap and with a cap
 * that holds every connection, prints the untracked-packets warning the cap gives, and
 * the heap one held connection costs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Table from 'cli-table3';
import { connectionHeapBytes } from './connection-heap.js';
import { time } from './timing.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const DIR = process.env.TEARDOWN_BENCH_DIR ?? '/tmp/tcp-teardown-bench';
const FLOOD = Number(process.env.BENCH_SYN_FLOOD ?? 1_000_000);
const FILE = join(DIR, `synflood-${FLOOD}.pcap`);
const CLI = join(REPO, 'dist', 'src', 'cli', 'main.js');

if (!existsSync(FILE)) {
  mkdirSync(DIR, { recursive: true });
  const made = spawnSync('python3', [join(REPO, 'test', 'bench', 'synflood.py'), FILE, String(FLOOD)], { stdio: 'inherit' });
  if (made.status !== 0) process.exit(1);
}

const runs: [string, string[]][] = [
  // Not --quiet: its stderr is the untracked-packets warning the cap gives.
  ['analyze (default cap)', [CLI, 'analyze', '--format', 'ndjson', FILE]],
  [`connections --max-connections ${FLOOD}`, [CLI, 'connections', '--format', 'ndjson', '--max-connections', String(FLOOD), FILE]],
];
const table = new Table({ head: ['what', 'seconds', 'peak RSS MB'] });
const warnings: string[] = [];
for (const [what, args] of runs) {
  const t = time([process.execPath, ...args]);
  table.push(t === null ? [what, 'failed', ''] : [what, t.seconds.toFixed(2), t.rssMb.toFixed(0)]);
  if (t !== null && t.stderr !== '') warnings.push(`${what}: ${t.stderr}`);
}
console.log(`${FILE}: ${(statSync(FILE).size / 1e6).toFixed(0)} MB, ${FLOOD} SYNs`);
console.log(`one tracked connection after its SYN: ${connectionHeapBytes().toFixed(0)} heap bytes`);
console.log(table.toString());
for (const w of warnings) console.log(w);
