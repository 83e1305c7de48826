import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import { CORPUS } from '../helpers/paths.js';
import { teardown } from '../helpers/cli.js';

/**
 * Zeek's own tunnel traces (GRE, VXLAN, Teredo) with Zeek's conn.log: every TCP
 * connection Zeek found inside a tunnel (a row with tunnel_parents) is found here too,
 * with Zeek's history, state, packets and payload bytes, and the tunnel named.
 */
const ZEEK = join(CORPUS, '..', 'zeek');
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

describe.skipIf(!existsSync(ZEEK))("Zeek's tunnel traces", () => {
  for (const [trace, kind] of TRACES) {
    it(`${trace}: the connections inside the ${kind} tunnel, as Zeek logs them`, async () => {
      const expected = zeekRows(join(ZEEK, trace.replace(/\.pcap$/, '.conn.log')));
      expect(expected.length).toBeGreaterThan(0);
      const { connections } = await analyzeFile(join(ZEEK, trace));
      const tunnelled = connections.filter((c) => c.tunnel.length > 0);
      expect(tunnelled.map((c) => c.tunnel.map((l) => l.kind))).toEqual(expected.map(() => [kind]));
      const ours = tunnelled.map(
        (c) => `${c.client.ip}:${c.client.port} ${c.server.ip}:${c.server.port} ${c.zeek.connState} ${c.zeek.history} ${c.packets.client}/${c.packets.server} ${c.bytes.client}/${c.bytes.server}`,
      );
      expect(ours).toEqual(expected);
    });
  }

  it('show names the tunnel under the connection, info counts the frames that came through it', async () => {
    const trace = join(ZEEK, '023-tunnels-vxlan-encapsulated-http.pcap');
    const show = await teardown(['show', trace, '--stream', '0']);
    expect(show.stdout.split('\n').slice(0, 2)).toEqual(['stream 0: 172.16.11.201:40354 → 54.86.237.188:80', 'inside vxlan vni 1 over 10.1.200.131 ↔ 10.1.1.172']);
    const info = await teardown(['info', trace]);
    expect(info.stdout).toMatch(/^ {2}tunnels +vxlan: 12$/m);
  });

  it('--decode-as PORT=vxlan reads a VXLAN on another port (Linux devices default to 8472), in the CLI and the library', async () => {
    // Zeek's VXLAN trace with every UDP port 4789 made 8472 (classic pcap, Ethernet, IPv4).
    const bytes = Buffer.from(readFileSync(join(ZEEK, '023-tunnels-vxlan-encapsulated-http.pcap')));
    let moved = 0;
    for (let at = 24; at < bytes.length; at += 16 + bytes.readUInt32LE(at + 8)) {
      const ip = at + 16 + 14;
      if (bytes.readUInt16BE(ip - 2) !== 0x0800 || bytes[ip + 9] !== 17) continue;
      const udp = ip + (bytes[ip]! & 0x0f) * 4;
      for (const field of [udp, udp + 2]) if (bytes.readUInt16BE(field) === 4789) (bytes.writeUInt16BE(8472, field), moved++);
    }
    expect(moved).toBe(12);
    const file = join(mkdtempSync(join(tmpdir(), 'teardown-')), 'vxlan-8472.pcap');
    writeFileSync(file, bytes);
    const count = async (...args: string[]): Promise<number> => (await teardown(['analyze', '--format', 'ndjson', ...args, file])).stdout.split('\n').filter((l) => l !== '').length;
    expect(await count()).toBe(0);
    expect(await count('--decode-as', '8472=vxlan')).toBe(1);
    const { connections } = await analyzeFile(file, { decode: { udpTunnelPorts: { 8472: 'vxlan' } } });
    expect(connections.map((c) => [c.zeek.history, c.tunnel[0]?.kind])).toEqual([['ShADadFf', 'vxlan']]);
    const bad = await teardown(['analyze', '--decode-as', '8472=vxlam', file]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--decode-as: 8472=vxlam is not PORT=KIND')]);
  });
});
