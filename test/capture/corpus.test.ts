import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeNotices } from '../../src/decode/notices.js';
import { TCP_FIN, TCP_RST, TCP_SYN } from '../../src/decode/tcp.js';
import { readCapture } from '../../src/capture/reader.js';
import { PacketDecoder } from '../../src/decode/packet.js';
import { readRows } from '../helpers/read.js';
import { CORPUS, HAS_CORPUS, corpusBadCaptures, corpusCaptures } from '../helpers/paths.js';

/**
 * The public sample captures in ../shared/corpus: each is read to the end with the
 * frame count tshark reported (truth/FILE.streams.tsv), and the TCP segments we decode
 * add up to tshark's per-stream frame, SYN, FIN and RST counts.
 */
interface StreamTotals {
  frames: number;
  tcpFrames: number;
  syn: number;
  fin: number;
  rst: number;
}

function truthTotals(file: string): StreamTotals {
  const lines = readFileSync(join(CORPUS, 'truth', `${file}.streams.tsv`), 'utf8').trim().split('\n');
  const totals = { frames: Number(/frames=(\d+)/.exec(lines[0]!)?.[1]), tcpFrames: 0, syn: 0, fin: 0, rst: 0 };
  for (const line of lines.slice(2)) {
    const c = line.split('\t');
    totals.tcpFrames += Number(c[3]);
    totals.syn += Number(c[6]);
    totals.fin += Number(c[7]);
    totals.rst += Number(c[8]);
  }
  return totals;
}

async function ourTotals(file: string): Promise<StreamTotals & { notices: string[] }> {
  const decoder = new PacketDecoder();
  const t = { frames: 0, tcpFrames: 0, syn: 0, fin: 0, rst: 0 };
  const summary = await readCapture(join(CORPUS, file), (rec) => {
    if (decoder.decode(rec) !== 'tcp') return;
    const f = decoder.tcp.flags;
    t.tcpFrames++;
    if (f & TCP_SYN) t.syn++;
    if (f & TCP_FIN) t.fin++;
    if (f & TCP_RST) t.rst++;
  });
  t.frames = summary.frames;
  return { ...t, notices: decodeNotices(decoder.counts) };
}

describe.skipIf(!HAS_CORPUS)('public corpus captures', () => {
  const files = HAS_CORPUS ? corpusCaptures() : [];

  it('are all here', () => {
    expect(files.length).toBeGreaterThanOrEqual(64);
  });

  for (const file of files) {
    it(`${file}: frames and TCP flags as tshark counts them`, async () => {
      const ours = await ourTotals(file);
      const { notices, ...counts } = ours;
      expect(counts).toEqual(truthTotals(file));
      // Only the Linux netlink capture has frames in a link type we do not decode.
      if (file === 'pcpp__microsecs_big_endian.pcap') expect(notices).toEqual([expect.stringMatching(/^13 frames of link type Linux netlink \(253\) skipped/)]);
      else expect(notices.filter((n) => n.includes('link type'))).toEqual([]);
    });
  }
});

/**
 * The damaged files in ../shared/corpus/bad, with what each must end in. Frames are
 * what tshark reads before it stops (NOTES.tsv), where it reads the same records we do.
 */
const BAD: Record<string, { ends: 'error' | 'warning'; frames: number; error?: RegExp }> = {
  'dpkt__truncated_dns_2.pcap': { ends: 'warning', frames: 1 },
  'scapy__bad_rsn_parsing_overrides_ssid.pcap': { ends: 'warning', frames: 1 },
  'suri__http-mime-truncated.pcap': { ends: 'warning', frames: 2696 },
  'suri__smtp-to-comma.pcap': { ends: 'error', frames: 18, error: /^record claims 3925868813 captured bytes .* at byte 3703$/ },
  'suri__bug-6875-01.pcap': { ends: 'error', frames: 1, error: /captured bytes .* at byte 236$/ },
  'suri__bug-1450-05.pcap': { ends: 'error', frames: 6, error: /^record claims 4325376 captured bytes .* at byte 5043$/ },
  'libpcap__pcap-invalid-version-1.pcap': { ends: 'error', frames: 0, error: /^unsupported pcap version 1\.4 at byte 4$/ },
  'libpcap__pcap-invalid-version-2.pcap': { ends: 'error', frames: 0, error: /^unsupported pcap version 2\.5 at byte 4$/ },
  'libpcap__pcapng-invalid-vers-2.pcapng': { ends: 'error', frames: 0, error: /^unsupported pcapng section version 1\.1 at byte 12$/ },
  'libpcap__shb-option-too-long.pcapng': { ends: 'error', frames: 0, error: /in trailer at byte 48$/ },
  'libpcap__linktype-reserved-field-not-zero.pcap': { ends: 'error', frames: 0, error: /reserved bits set at byte 20$/ },
  // The fraction 1000000000 is carried into the seconds, with a warning.
  'tcpdump__timestamp_invalid_nano.pcap': { ends: 'warning', frames: 3 },
  // The TCP header is malformed: a decode notice, not a reader error.
  'tcpdump__tcp_header_heapoverflow.pcap': { ends: 'warning', frames: 1 },
  // Four custom blocks (frames to Wireshark 4.0, shown so by tshark) and no packet.
  'gopacket__le__test017.pcapng': { ends: 'warning', frames: 4 },
  // tshark 4.0.17 shows 1 frame, then rejects the second section's version 2.0.
  'gopacket__le__test901.pcapng': { ends: 'error', frames: 1, error: /^unsupported pcapng section version 2\.0 at byte 492$/ },
  'tcptrace__finger.snoop.gz': { ends: 'error', frames: 0, error: /^a Solaris snoop capture \(inside gzip\)/ },
  'derived__ppa__tcp_teardown_cut-mid-EPB.pcapng': { ends: 'warning', frames: 3 },
  'derived__tcptrace__fast_reuse_cut-gzip-stream.dmp.gz': { ends: 'warning', frames: 250 },
};

describe.skipIf(!HAS_CORPUS)('damaged corpus files', () => {
  const files = HAS_CORPUS ? corpusBadCaptures() : [];

  it('each have an expectation', () => {
    expect(files.sort()).toEqual(Object.keys(BAD).sort());
  });

  for (const file of files) {
    it(`${file} ends with ${BAD[file]?.ends}`, async () => {
      const expected = BAD[file]!;
      const { summary, error, decoder } = await readRows(join(CORPUS, 'bad', file));
      expect(summary?.frames).toBe(expected.frames);
      if (expected.ends === 'error') {
        expect(error).not.toBeNull();
        expect(error!.message).toMatch(expected.error!);
        expect(error!.message).not.toContain('\n');
      } else {
        expect(error).toBeNull();
        expect([...summary!.warnings, ...decodeNotices(decoder.counts)].length).toBeGreaterThan(0);
      }
    });
  }
});
