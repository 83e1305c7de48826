import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import { CORPUS } from '../helpers/paths.js';
import { teardown } from '../helpers/cli.js';

/** The CLI on Zeek's VXLAN trace: how a tunnel shows, and a tunnel on a port of the user's choosing. */
const ZEEK = join(CORPUS, '..', 'zeek');

describe.skipIf(!existsSync(ZEEK))('tunnels in the CLI', () => {
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
    // Not silently nothing: the datagrams look like VXLAN with TCP inside, and it says so.
    const plain = await teardown(['analyze', file]);
    expect(plain.stderr.trim()).toBe(
      `teardown: ${file}: warning: 12 UDP datagrams on port 8472 look like vxlan carrying TCP, not read as a tunnel (first: frame 1): decode port 8472 as vxlan (--decode-as 8472=vxlan) to see the connections inside`,
    );
    expect(await count('--decode-as', '8472=vxlan')).toBe(1);
    const { connections } = await analyzeFile(file, { decode: { udpTunnelPorts: { 8472: 'vxlan' } } });
    expect(connections.map((c) => [c.zeek.history, c.tunnel[0]?.kind])).toEqual([['ShADadFf', 'vxlan']]);
    const bad = await teardown(['analyze', '--decode-as', '8472=vxlam', file]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('--decode-as: 8472=vxlam is not PORT=KIND')]);
  });
});
