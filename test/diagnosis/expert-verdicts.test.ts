import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionReport, type ConnectionReport } from '../../src/diagnosis/report.js';
import { connectionsOf } from '../helpers/track.js';
import { CORPUS, HAS_CORPUS, REPO } from '../helpers/paths.js';

/**
 * The expert's blind reading of 138 corpus connections (expert-verdicts.tsv): on the rows
 * of medium or high confidence at least 95% of endings, details and closers agree, every
 * disagreement is one argued below from the packets, and no explanation repeats what the
 * expert found false in it (the explanation_errors column, turned into patterns here).
 */
interface Row {
  file: string;
  stream: number;
  ending: string;
  detail: string;
  closer: string;
  confidence: string;
  errors: string;
}

function rows(path = join(CORPUS, 'expert-verdicts.tsv')): Row[] {
  const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  return lines.slice(1).map((line) => {
    const [file, stream, ending, detail, closer, confidence, , errors] = line.split('\t');
    return { file: file!, stream: Number(stream), ending: ending!, detail: detail!, closer: closer!, confidence: confidence!, errors: errors ?? '' };
  });
}

/**
 * Where we keep a verdict the expert did not give, and why (the closing note of issue 14
 * argues each from the packets). Key: file and stream; value: our ending|detail|closer.
 */
const ARGUED: Record<string, string> = {
  // The RST's TTL is 231 where the server's packets had 212, and stream 40's RST from
  // another AWS address (whose packets had 219) has the same 231: one device near the
  // client made both, after 100-141 s idle. The spec's `injected`, not the server's abort.
  'ndpi__alexa-app.pcapng 4': 'reset|injected|server',
  // Its payload is the reason text of an F5 BIG-IP; the spec: a payload naming the device
  // makes it `injected` (the device, a full proxy, sent it to the client in the server's name).
  'tcpdump__tcp_rst_data.pcap 0': 'reset|injected|server',
};

/**
 * What each row's explanation_errors says was false, as patterns the explanation (or
 * what is named) must no longer match. Rows whose errors were omissions are in REQUIRED.
 */
const FORBIDDEN: Record<string, RegExp[]> = {
  'ppa__http_espn_fail.pcapng 2': [/still pending/],
  'ppa__http_espn_fail.pcapng 7': [/late close/, /closed only after/],
  'ppa__http_espn_fail.pcapng 11': [/probes went unanswered/, /the server is gone/],
  'tcpdump__ipoib.pcap 0': [/handshake/, /still pending/],
  'tcpdump__mptcp-fclose.pcap 0': [/the server aborted/, /client saw ECONNRESET/],
  'tcpdump__tcp_rst_data.pcap 0': [/SO_LINGER/, /was killed/],
  'ndpi__ethereum.pcap 1': [/long before/, /FIN-WAIT-2 or TIME-WAIT/, /client saw [^;]*ECONNRESET \(or EPIPE\)/],
  'ndpi__ethereum.pcap 38': [/long before/, /met no socket/, /FIN-WAIT-2 or TIME-WAIT/, /1613/],
  'ndpi__ethereum.pcap 5': [/server saw ECONNRESET/],
  'ndpi__gnutella.pcap 4': [/still pending/],
  'pcpp__sll2.pcap 0': [/stopped answering/, /ETIMEDOUT/, /retransmi/],
  'ppa__activeosfingerprinting.pcapng 7': [/still open/, /idle/],
  'ppa__activeosfingerprinting.pcapng 8': [/growing back-off/, /ETIMEDOUT/],
  'ppa__activeosfingerprinting.pcapng 10': [/growing back-off/, /ETIMEDOUT/],
  'ppa__activeosfingerprinting.pcapng 12': [/retransmitted/, /gave up/, /growing back-off/],
  'ppa__synscan.pcapng 0': [/still pending/],
  'suri__bug-8629-async-oneside.pcap 0': [/during the handshake/, /never accepted/],
  'suri__output-eve-ftp-data.pcap 3': [/long before/, /FIN-WAIT-2 or TIME-WAIT/, /server saw ECONNRESET/],
  'suri__output-eve-ftp-data.pcap 63': [/long before/, /FIN-WAIT-2 or TIME-WAIT/, /server saw ECONNRESET/],
  'suri__tcp-fastopen-11-reject-syn-data.pcap 0': [/long before/, /FIN-WAIT-2 or TIME-WAIT/, /client saw ECONNRESET/],
  'suri__tcp-split-handshake-01-4whs.pcap 0': [/rebooted|restarted|lost the connection/, /half-open/],
  'suri__tls__tls-subjectaltname.pcap 0': [/rebooted|restarted|lost the connection/, /server saw ECONNRESET/],
  'suri__tls__tls-subjectaltname.pcap 1': [/rebooted|restarted|lost the connection/, /server saw ECONNRESET/],
  'tcptrace__urgent.dmp.gz 0': [/idle for \d{4,}/],
  'pcpp__example2.pcap 60': [/client saw ECONNRESET/],
};

/** Omissions the expert noted: what the explanation must now say. */
const REQUIRED: Record<string, RegExp[]> = {
  'ndpi__alexa-app.pcapng 12': [/reset the attempt itself \(frame 2573\)/],
  'ndpi__alexa-app.pcapng 14': [/reset the attempt itself \(frame 2575\)/],
  'pcpp__example2.pcap 60': [/the client closed first .*\(FIN, frame 1572\)/],
  'pcpp__one_http_stream_rst.pcap 0': [/the server closed first .*\(FIN, frame 7\)/],
  'suri__smb2-09-trunc-file-logging.pcap 15': [/the client closed first .*\(FIN, frame 387\)/],
  'tcpdump__mptcp-fclose.pcap 0': [/MP_FASTCLOSE \(frame 10\)/],
  'tcpdump__tcp_rst_data.pcap 0': [/BIG-IP/],
  'tcptrace__urgent.dmp.gz 0': [/zero window/],
  // Roles from the SYNs of the 17 later connections on these ports (held for them).
  'tcptrace__fast_reuse.dmp.gz 0': [/^132\.235\.67\.36:3330 -> 132\.235\.67\.21:9080: the client closed first/],
};

/** Extra facts the errors column names beyond the words (flags, Zeek state). */
const FORBIDDEN_FLAGS: Record<string, string[]> = {
  'suri__tls__tls-subjectaltname.pcap 0': ['capture-loss'],
  'suri__tls__tls-subjectaltname.pcap 1': ['capture-loss'],
  'ndpi__alexa-app.pcapng 12': ['rst-ignored'],
  'ndpi__alexa-app.pcapng 14': ['rst-ignored'],
  'tcptrace__hardware_dups.dmp.gz 0': ['fin-retransmitted', 'lost-last-ack'],
};

const key = (r: { file: string; stream: number }): string => `${r.file} ${r.stream}`;
const verdictOf = (c: ConnectionReport): string => `${c.ending}|${c.detail ?? ''}|${c.closer ?? ''}`;

describe.skipIf(!HAS_CORPUS)('the expert verdicts', () => {
  const all = HAS_CORPUS ? rows() : [];
  const reports = new Map<string, ConnectionReport[]>();
  const reportOf = async (r: Row): Promise<ConnectionReport> => {
    if (!reports.has(r.file)) reports.set(r.file, (await connectionsOf(join(CORPUS, r.file))).connections.map(connectionReport));
    const found = reports.get(r.file)!.find((c) => c.stream === r.stream);
    expect(found, key(r)).toBeDefined();
    return found!;
  };

  it('agree on 95% of the confident rows; every other row is argued', async () => {
    const confident = all.filter((r) => r.confidence !== 'low');
    expect(confident.length).toBeGreaterThanOrEqual(130);
    const disagreements: string[] = [];
    for (const r of confident) {
      const c = await reportOf(r);
      // Where the expert wrote no detail (unreachable, half-open) ours is not compared:
      // the spec leaves those details to the tool (ICMP reason, what went unanswered).
      const agrees = c.ending === r.ending && (r.detail === '' || c.detail === r.detail) && (c.closer ?? '') === r.closer;
      if (!agrees) disagreements.push(`${key(r)}: expert ${r.ending}|${r.detail}|${r.closer}, ours ${verdictOf(c)}`);
      if (!agrees) expect(ARGUED[key(r)], disagreements.at(-1)).toBe(verdictOf(c));
    }
    expect(1 - disagreements.length / confident.length).toBeGreaterThanOrEqual(0.95);
    // An argument for a row that now agrees is stale: it goes.
    expect(Object.keys(ARGUED).sort()).toEqual(disagreements.map((d) => d.split(':')[0]!).sort());
  });

  it('explanations no longer state what the expert found false', async () => {
    const listed = all.filter((r) => r.errors !== '');
    // Every row with errors is covered by a pattern (so a new row cannot slip through).
    for (const r of listed) expect(key(r) in FORBIDDEN || key(r) in REQUIRED || key(r) in ARGUED, key(r)).toBe(true);
    for (const r of all) {
      const k = key(r);
      const c = await reportOf(r);
      const said = `${c.explanation} [apps: client saw ${c.apps.client}; server saw ${c.apps.server}]`;
      for (const p of FORBIDDEN[k] ?? []) expect(said, k).not.toMatch(p);
      for (const p of REQUIRED[k] ?? []) expect(said, k).toMatch(p);
      for (const f of FORBIDDEN_FLAGS[k] ?? []) expect(c.flags, k).not.toContain(f);
    }
  });
});

/**
 * A second blind reading, made for this project (test/diagnosis/truth/blind-review.tsv):
 * the connections whose verdict changed with the rules above for real captures, read
 * from the packets without our output. Every one agrees.
 */
describe.skipIf(!HAS_CORPUS)('the blind review of changed verdicts', () => {
  it('agrees on every connection', async () => {
    const review = rows(join(REPO, 'test', 'diagnosis', 'truth', 'blind-review.tsv'));
    expect(review.length).toBe(38);
    const reports = new Map<string, ConnectionReport[]>();
    for (const r of review) {
      if (!reports.has(r.file)) reports.set(r.file, (await connectionsOf(join(CORPUS, r.file))).connections.map(connectionReport));
      const c = reports.get(r.file)!.find((x) => x.stream === r.stream)!;
      const agrees = c.ending === r.ending && (r.detail === '' || c.detail === r.detail) && (c.closer ?? '') === r.closer;
      expect(agrees, `${key(r)}: reviewer ${r.ending}|${r.detail}|${r.closer}, ours ${verdictOf(c)}`).toBe(true);
    }
  });
});
