import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionReport } from '../../src/diagnosis/report.js';
import { ENDINGS, ZEEK_CONN_STATES } from '../../src/diagnosis/types.js';
import { connectionsOf } from '../helpers/track.js';
import { CORPUS, HAS_CORPUS, corpusCaptures } from '../helpers/paths.js';


/**
 * Endings the corpus MANIFEST states in words for single-connection captures
 * ("textbook FIN/ACK 4-way close", "SYN answered by RST/ACK", ...).
 */
const STATED: Record<string, string> = {
  'ppa__tcp_teardown.pcapng': 'graceful',
  'ppa__tcp_refuseconnection.pcapng': 'refused',
  'ppa__tcp_handshake.pcapng': 'open',
  'pcpp__one_http_stream_fin.pcap': 'graceful',
  'pcpp__one_http_stream_rst.pcap': 'reset',
  'arkime__v6.pcap': 'simultaneous-close',
};

describe.skipIf(!HAS_CORPUS)('diagnosis of the public corpus', () => {
  for (const file of HAS_CORPUS ? corpusCaptures() : []) {
    it(`${file}: every connection gets an ending`, async () => {
      const { connections } = await connectionsOf(join(CORPUS, file));
      for (const c of connections) {
        const r = connectionReport(c);
        expect(ENDINGS).toContain(r.ending);
        expect(ZEEK_CONN_STATES).toContain(r.zeek.connState);
        expect(r.explanation.length).toBeGreaterThan(20);
      }
      if (file in STATED) expect(connections.map((c) => connectionReport(c).ending)).toEqual([STATED[file]]);
    });
  }
});
