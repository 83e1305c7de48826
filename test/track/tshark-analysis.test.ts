import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEndpoint, type SideRecord } from '../../src/track/report.js';
import { connectionsOf } from '../helpers/track.js';
import { CORPUS, HAS_CORPUS, REPO, corpusCaptures, labCaptures } from '../helpers/paths.js';

/**
 * The tracker's per-side classification counters against Wireshark's TCP analysis
 * (tshark 4.0, packet-tcp.c tcp_analyze_sequence_number), connection by connection and
 * side by side, on the lab captures and the public corpus. The truth is
 * truth/tshark-analysis.tsv, written by truth/make-tshark-analysis.py (its header says
 * how; its docstring says what each column counts).
 *
 * Where the two definitions are meant to agree, the counts must be equal:
 * - retransmissions: tcp.analysis.retransmission (packet-tcp.c sets it on every fast and
 *   spurious retransmission too: all are "sent again" here);
 * - outOfOrder: tcp.analysis.out_of_order;
 * - resent, their sum: the segments below the sender's highest sequence number, whichever
 *   name they get. Both definitions start from there; they split it differently (below);
 * - retransmittedBytes: tcp.len of the retransmission frames;
 * - dupAcks, zeroWindows, windowProbes (tcp.analysis.zero_window_probe), keepalives,
 *   sackSegments (frames with a SACK block).
 *
 * Two differences are documented in the tracker and encoded in the truth file, not here:
 * a captured duplicate (the same IPv4 datagram twice, src/track/duplicates.ts) counts in
 * `duplicates` only, where packet-tcp.c flags it a retransmission or a duplicate ACK (the
 * truth counts those frames apart: `duplicates` is compared with them); and a duplicate
 * ACK counts only while the peer has data outstanding (the truth's dupack_idle is left
 * out).
 *
 * Every other difference is an exception below, with both values pinned: a change on
 * either side fails the test, so an exception is read again before it is updated.
 */

type Truth = Record<(typeof COLUMNS)[number], number>;
const COLUMNS = ['retrans', 'fast', 'spurious', 'rexmit_bytes', 'ooo', 'dupack', 'dupack_idle', 'zerowin', 'probe', 'keepalive', 'sack', 'repeats', 'repeats_resent'] as const;
const NOTHING = Object.fromEntries(COLUMNS.map((c) => [c, 0])) as Truth;

/** Ours, then tshark's, for each counter compared. */
const COUNTERS = {
  retransmissions: [(s: SideRecord) => s.retransmissions, (t: Truth) => t.retrans],
  outOfOrder: [(s: SideRecord) => s.outOfOrder, (t: Truth) => t.ooo],
  resent: [(s: SideRecord) => s.retransmissions + s.outOfOrder, (t: Truth) => t.retrans + t.ooo],
  retransmittedBytes: [(s: SideRecord) => s.retransmittedBytes, (t: Truth) => t.rexmit_bytes],
  dupAcks: [(s: SideRecord) => s.dupAcks, (t: Truth) => t.dupack],
  zeroWindows: [(s: SideRecord) => s.zeroWindows, (t: Truth) => t.zerowin],
  windowProbes: [(s: SideRecord) => s.windowProbes, (t: Truth) => t.probe],
  keepalives: [(s: SideRecord) => s.keepalives, (t: Truth) => t.keepalive],
  sackSegments: [(s: SideRecord) => s.sackSegments, (t: Truth) => t.sack],
  duplicates: [(s: SideRecord) => s.duplicates, (t: Truth) => t.repeats],
} as const;
type Counter = keyof typeof COUNTERS;

// Why the counts differ, each read at the frame level (tshark -Y 'tcp.stream eq N' and
// the tracker's classification of each frame). Frames are the capture's.
/** packet-tcp.c sets nextseq from every segment's seq + length, an RST's included. */
const RST_SEQ = (rst: number, frames: string): string =>
  `packet-tcp.c took nextseq from the RST's sequence number (frame ${rst}, outside the window), so the data and FIN at the true next sequence (${frames}) look resent to it; an RST occupies no sequence space and moves nothing here`;
/** The stale ACK of an earlier incarnation on these ports (connection.ts isStaleAck). */
const STALE_ACK = (ack: number, frames: string): string =>
  `packet-tcp.c took nextseq from the earlier incarnation's stale ACK (frame ${ack}), so this connection's own data (${frames}) looks resent to it; the tracker only counts a stale ACK`;
/** packet-tcp.c: within the iRTT (3 ms without one) of the highest segment, gap or not. */
const NO_GAP = (frames: string): string =>
  `packet-tcp.c calls a segment below the highest out-of-order when it comes within the iRTT (3 ms without one) of the highest, gap or not; ${frames}: no gap the tap saw is filled, so a retransmission here (SEG_OUT_OF_ORDER needs one)`;
const LATE_FILL = (frames: string, irtt: string): string =>
  `${frames}: the gap the tap saw is filled more than 3 ms after it appeared (REORDER_WINDOW_SECONDS), a retransmission here, out-of-order to packet-tcp.c, whose window is the iRTT (${irtt})`;

interface Exception {
  file: string;
  stream: number;
  sender: string;
  /** Ours and tshark's. */
  counts: Partial<Record<Counter, [number, number]>>;
  why: string;
}

const EXCEPTIONS: Exception[] = [
  { file: 'fixtures/lab/rst-in-window-challenged.pcap', stream: 0, sender: '198.18.1.2:47764', counts: { retransmissions: [0, 2], resent: [0, 2], retransmittedBytes: [0, 100] }, why: RST_SEQ(26, '32, 35') },
  { file: 'fixtures/lab/rst-out-of-window.pcap', stream: 0, sender: '198.18.1.2:57636', counts: { retransmissions: [0, 2], resent: [0, 2], retransmittedBytes: [0, 100] }, why: RST_SEQ(30, '35, 38') },

  { file: 'ndpi__alexa-app.pcapng', stream: 66, sender: '172.16.42.216:45715', counts: { retransmissions: [4, 3], outOfOrder: [0, 1], retransmittedBytes: [5840, 4380] }, why: NO_GAP('1392') },
  { file: 'ndpi__alexa-app.pcapng', stream: 84, sender: '172.16.42.216:37551', counts: { retransmissions: [6, 4], outOfOrder: [0, 2], retransmittedBytes: [6358, 3438] }, why: NO_GAP('1978, 1982') },
  { file: 'ndpi__alexa-app.pcapng', stream: 112, sender: '172.16.42.216:41828', counts: { retransmissions: [4, 3], outOfOrder: [0, 1], retransmittedBytes: [4365, 4239] }, why: NO_GAP('2818') },
  { file: 'ndpi__ethereum.pcap', stream: 13, sender: '192.168.1.184:56626', counts: { retransmissions: [2, 1], outOfOrder: [0, 1], retransmittedBytes: [272, 0] }, why: NO_GAP('146') },
  { file: 'pcpp__example2.pcap', stream: 105, sender: '212.58.246.107:80', counts: { retransmissions: [2, 1], outOfOrder: [0, 1], retransmittedBytes: [2720, 1360] }, why: LATE_FILL('3014 (92 ms after frame 2943 left the gap)', '92 ms') },
  { file: 'suri__pgsql-bug-6080-probe-test-01.pcap', stream: 0, sender: '172.16.1.1:1050', counts: { retransmissions: [0, 1], outOfOrder: [1, 0] }, why: 'a crafted bare ACK (frame 4, seq 98080856 relative) shows bytes sent far ahead; the FIN at 53 (frame 10) fills that gap 2.9 ms later: out-of-order here (within 3 ms), a retransmission to packet-tcp.c, whose window is the iRTT (0.95 ms)' },
  { file: 'suri__tls__tls-subjectaltname.pcap', stream: 3, sender: '204.79.197.200:443', counts: { retransmissions: [0, 8], resent: [0, 8], retransmittedBytes: [0, 7131] }, why: STALE_ACK(45, '114-130') },
  { file: 'suri__tls__tls-subjectaltname.pcap', stream: 10, sender: '138.201.208.22:443', counts: { retransmissions: [4, 0], outOfOrder: [4, 8], retransmittedBytes: [4824, 0] }, why: LATE_FILL('688-742', '18 ms') },
  { file: 'suri__tls__tls-subjectaltname.pcap', stream: 14, sender: '138.201.208.22:443', counts: { retransmissions: [39, 20], outOfOrder: [2, 21], retransmittedBytes: [45126, 22212] }, why: `${LATE_FILL('787-830 and 1539-1573', '18 ms')}; ${NO_GAP('1574-1589 (after the gap was filled at 1573)')}` },
  { file: 'suri__tls__tls-subjectaltname.pcap', stream: 18, sender: '93.191.156.41:80', counts: { retransmissions: [4, 1], outOfOrder: [0, 3], retransmittedBytes: [3380, 484] }, why: `${LATE_FILL('1422 (a fast retransmission, 42 ms after the gap)', '18 ms')}; ${NO_GAP('1438, 1456, 1457 (the gap forgotten at 1422)')}` },
  { file: 'suri__tls__tls-subjectaltname.pcap', stream: 19, sender: '93.191.156.41:80', counts: { retransmissions: [6, 0], outOfOrder: [5, 11], retransmittedBytes: [7236, 0] }, why: LATE_FILL('612-628', '18 ms') },
  { file: 'suri__tls__tls-subjectaltname.pcap', stream: 27, sender: '94.231.103.159:80', counts: { retransmissions: [4, 1], outOfOrder: [0, 3], retransmittedBytes: [3864, 1206] }, why: `${NO_GAP('1572')}; ${LATE_FILL('1595 and 1597', '18 ms')}` },
  { file: 'suri__tls__tls-subjectaltname.pcap', stream: 35, sender: '212.237.249.17:80', counts: { retransmissions: [0, 3], resent: [0, 3], retransmittedBytes: [0, 460] }, why: STALE_ACK(1450, '1996, 2005, 2864') },
  { file: 'suri__tls__tls-subjectaltname.pcap', stream: 57, sender: '216.58.212.161:443', counts: { retransmissions: [7, 3], outOfOrder: [0, 4], retransmittedBytes: [6336, 2082] }, why: LATE_FILL('2760-2763 (12.5 ms after the bare ACK of frame 2759, seq 11877, showed the bytes from 5541 sent)', '18 ms') },
  { file: 'tcptrace__dsack.dmp.gz', stream: 0, sender: '132.235.3.145:1024', counts: { retransmissions: [7, 3], outOfOrder: [0, 4], retransmittedBytes: [10136, 4344] }, why: NO_GAP('2543, 2544, 5998, 5999 (after fast retransmissions)') },
  { file: 'tcptrace__urgent.dmp.gz', stream: 0, sender: '132.235.1.12:19', counts: { retransmissions: [4, 1], outOfOrder: [0, 3], retransmittedBytes: [5624, 1460] }, why: NO_GAP('115, 117, 118') },
];

/** The truth file: the captures it read, and its rows by capture, then `stream\tsender`. */
function readTruth(): { captures: Set<string>; rows: Map<string, Map<string, Truth>> } {
  const lines = readFileSync(join(REPO, 'test', 'track', 'truth', 'tshark-analysis.tsv'), 'utf8').trimEnd().split('\n');
  const captures = new Set(lines.find((l) => l.startsWith('# captures\t'))!.split('\t').slice(1));
  const header = lines.find((l) => l.startsWith('file\t'))!.split('\t');
  expect(header.slice(3, 3 + COLUMNS.length)).toEqual([...COLUMNS]);
  const rows = new Map<string, Map<string, Truth>>();
  for (const line of lines.filter((l) => !l.startsWith('#') && !l.startsWith('file\t'))) {
    const c = line.split('\t');
    const truth = Object.fromEntries(COLUMNS.map((col, i) => [col, Number(c[3 + i])])) as Truth;
    if (!rows.has(c[0]!)) rows.set(c[0]!, new Map());
    rows.get(c[0]!)!.set(`${c[1]}\t${c[2]}`, truth);
  }
  return { captures, rows };
}

const truth = readTruth();

/** Every disagreement in one capture not listed as an exception, and every exception that no longer holds. */
async function disagreements(name: string, path: string): Promise<string[]> {
  const { connections } = await connectionsOf(path);
  const rows = truth.rows.get(name) ?? new Map<string, Truth>();
  const exceptions = EXCEPTIONS.filter((e) => e.file === name);
  const used = new Set<Exception>();
  const seen = new Set<string>();
  const found: string[] = [];
  for (const c of connections) {
    for (const role of ['client', 'server'] as const) {
      const sender = formatEndpoint(c[role]);
      const key = `${c.stream}\t${sender}`;
      seen.add(key);
      const t = rows.get(key) ?? NOTHING;
      const side = c.sides[role];
      const exception = exceptions.find((e) => e.stream === c.stream && e.sender === sender);
      if (exception !== undefined) used.add(exception);
      for (const [counter, [ours, theirs]] of Object.entries(COUNTERS) as [Counter, (typeof COUNTERS)[Counter]][]) {
        const pair: [number, number] = [ours(side), theirs(t)];
        const listed = exception?.counts[counter];
        if (listed !== undefined) {
          if (pair[0] !== listed[0] || pair[1] !== listed[1]) found.push(`stream ${c.stream} ${role} ${sender} ${counter}: ours ${pair[0]}, tshark ${pair[1]}; the exception says ${listed[0]} and ${listed[1]} (${exception!.why})`);
        } else if (pair[0] !== pair[1]) {
          found.push(`stream ${c.stream} ${role} ${sender} ${counter}: ours ${pair[0]}, tshark ${pair[1]}`);
        }
      }
    }
  }
  for (const key of rows.keys()) if (!seen.has(key)) found.push(`stream ${key.replace('\t', ' ')}: tshark flagged frames of a sender that no connection has`);
  for (const e of exceptions) if (!used.has(e)) found.push(`exception for stream ${e.stream} ${e.sender} matches no connection`);
  return found;
}

const sets: { name: string; files: [string, string][] }[] = [{ name: 'lab', files: labCaptures().sort().map((f) => [relative(REPO, f), f]) }];
if (HAS_CORPUS) sets.push({ name: 'corpus', files: corpusCaptures().sort().map((f) => [f, join(CORPUS, f)]) });

describe('tshark analysis truth', () => {
  it('has rows and every exception names a capture that is tested', () => {
    expect(truth.rows.size).toBeGreaterThan(10);
    const tested = new Set(sets.flatMap((s) => s.files.map(([name]) => name)));
    for (const e of EXCEPTIONS) {
      expect(e.why.length, `${e.file} ${e.stream}`).toBeGreaterThan(0);
      if (!e.file.startsWith('fixtures/') && !HAS_CORPUS) continue;
      expect(tested.has(e.file), e.file).toBe(true);
    }
  });
});

for (const set of sets) {
  describe(`tracker counters against tshark's TCP analysis: ${set.name}`, () => {
    it('has captures', () => expect(set.files.length).toBeGreaterThan(10));
    for (const [name, path] of set.files) {
      it(name, async () => {
        // A capture the truth never read has no rows: its zeros would be no truth at all.
        expect(truth.captures.has(name), `${name} is not in tshark-analysis.tsv: run truth/make-tshark-analysis.py`).toBe(true);
        expect(await disagreements(name, path)).toEqual([]);
      });
    }
  });
}
