import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import { HAS_ZEEK, ZEEK_DIR } from '../helpers/paths.js';

/**
 * Zeek's own tunnel traces (GRE, VXLAN, Teredo) with Zeek's conn.log: every TCP
 * connection Zeek found inside a tunnel (a row with tunnel_parents) is found here too,
 * with Zeek's history, state, packets and payload bytes, and the tunnel named.
 */
const TRACES: [string, string][] = [
  ['016-tunnels-gre-sample.pcap', 'gre'],
  ['023-tunnels-vxlan-encapsulated-http.pcap', 'vxlan'],
  ['032-tunnels-teredo.pcap', 'teredo'],
];

/** conn.log's tunnelled TCP rows as `orig:port resp:port state history pkts bytes`. */
function zeekRows(log: string): string[] {
  const lines = readFileSync(log, 'utf8').split('\n');
  const fields = lines.find((l) => l.startsWith('#fields'))!.split('\t').slice(1);
  return lines
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i], v])) as Record<string, string>)
    .filter((r) => r.proto === 'tcp' && r.tunnel_parents !== '-')
    .map((r) => `${r['id.orig_h']}:${r['id.orig_p']} ${r['id.resp_h']}:${r['id.resp_p']} ${r.conn_state} ${r.history} ${r.orig_pkts}/${r.resp_pkts} ${r.orig_bytes}/${r.resp_bytes}`);
}

describe.skipIf(!HAS_ZEEK)("Zeek's tunnel traces", () => {
  for (const [trace, kind] of TRACES) {
    it(`${trace}: the connections inside the ${kind} tunnel, as Zeek logs them`, async () => {
      const expected = zeekRows(join(ZEEK_DIR, trace.replace(/\.pcap$/, '.conn.log')));
      expect(expected.length).toBeGreaterThan(0);
      const { connections } = await analyzeFile(join(ZEEK_DIR, trace));
      const tunnelled = connections.filter((c) => c.tunnel.length > 0);
      expect(tunnelled.map((c) => c.tunnel.map((l) => l.kind))).toEqual(expected.map(() => [kind]));
      const ours = tunnelled.map(
        (c) => `${c.client.ip}:${c.client.port} ${c.server.ip}:${c.server.port} ${c.zeek.connState} ${c.zeek.history} ${c.packets.client}/${c.packets.server} ${c.bytes.client}/${c.bytes.server}`,
      );
      expect(ours).toEqual(expected);
    });
  }
});
