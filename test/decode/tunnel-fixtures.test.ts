import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import { readFramesTruth, readRows } from '../helpers/read.js';
import { REPO } from '../helpers/paths.js';
import { connectionsOf, streamRow, streamRowsFromFrames } from '../helpers/track.js';

/**
 * Tunnelled captures against tshark, frame by frame: `teardown segments` gives the rows
 * tshark gives for the TCP inside (tools/frames-truth.py reads the innermost layers),
 * connections are numbered as tshark's tcp.stream, and each names its tunnel chain.
 * fixtures/tunnel: VXLAN made by the Linux kernel (the only tunnel this machine's kernel
 * has); fixtures/encapsulated: the real traffic of a reader fixture wrapped in every
 * other kind or carried by another link layer (tools/encapsulate.py); fixtures/nflog:
 * real traffic as Linux's netfilter logs it to NFLOG.
 */
const TUNNEL = join(REPO, 'fixtures', 'tunnel');
const ENCAPSULATED = join(REPO, 'fixtures', 'encapsulated');

function manifest(dir: string): Record<string, string>[] {
  const [header, ...rows] = readFileSync(join(dir, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const names = header!.split('\t');
  return rows.map((r) => Object.fromEntries(r.split('\t').map((v, i) => [names[i], v])));
}

async function sameAsTshark(path: string): Promise<void> {
  const truth = readFramesTruth(`${path}.frames.tsv`);
  const { rows, summary, decoder } = await readRows(path);
  expect(summary?.frames).toBe(truth.frames);
  expect(rows).toEqual(truth.rows);
  expect(rows.length).toBeGreaterThanOrEqual(24);
  expect(decoder.counts.byOutcome.malformed + decoder.counts.byOutcome.truncated).toBe(0);
}

describe('tunnels Linux made (fixtures/tunnel)', () => {
  const rows = manifest(TUNNEL);
  it('are the VXLAN captures, IPv4 and IPv6 outside, and two tenants', () => {
    expect(rows.map((r) => r.file)).toEqual(['vxlan.pcap', 'vxlan-ipv6.pcap', 'vxlan-two-tenants.pcap']);
  });

  for (const { file, connections } of rows) {
    it(`${file}: segments as tshark, and each tenant's graceful, refused and aborted connection in its VNI`, async () => {
      const path = join(TUNNEL, file!);
      await sameAsTshark(path);
      const report = await analyzeFile(path);
      expect(report.connections.length).toBe(Number(connections));
      const byVni = new Map<number | null, string[]>();
      for (const c of report.connections) {
        expect(c.tunnel.map((l) => l.kind)).toEqual(['vxlan']);
        const id = c.tunnel[0]!.id;
        byVni.set(id, [...(byVni.get(id) ?? []), `${c.ending}${c.detail === 'abort' ? ':abort' : ''}`]);
      }
      for (const endings of byVni.values()) expect(endings.sort()).toEqual(['graceful', 'refused', 'reset:abort']);
      expect([...byVni.keys()].sort()).toEqual(file === 'vxlan-two-tenants.pcap' ? [42, 43] : [42]);
    });
  }

  it('vxlan.pcap, vxlan-ipv6.pcap: connections numbered as tshark numbers them', async () => {
    for (const file of ['vxlan.pcap', 'vxlan-ipv6.pcap']) {
      const { connections } = await connectionsOf(join(TUNNEL, file));
      expect(connections.map(streamRow)).toEqual(streamRowsFromFrames(join(TUNNEL, `${file}.frames.tsv`)));
    }
  });

  it('vxlan-two-tenants.pcap: the same 4-tuple in two VNIs at once is two connections, every frame in its own VNI', async () => {
    // tshark 4.0 keys streams by 4-tuple alone, so its tcp.stream mixes the two tenants
    // here (a tenant's FIN lands in the other's stream); the truth is the VNI of each
    // frame, recorded when the capture was made.
    const vniOf = new Map(
      readFileSync(join(TUNNEL, 'vxlan-two-tenants.pcap.vni.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t').map(Number) as [number, number]),
    );
    const frames = new Map<number, number[]>();
    const { connections } = await connectionsOf(join(TUNNEL, 'vxlan-two-tenants.pcap'));
    const rows = await readRows(join(TUNNEL, 'vxlan-two-tenants.pcap'));
    expect(rows.rows.length).toBe(48);
    for (const c of connections) frames.set(c.stream, [c.firstFrame, c.lastFrame]);
    for (const c of connections) {
      for (const frame of frames.get(c.stream)!) expect(vniOf.get(frame), `stream ${c.stream} frame ${frame}`).toBe(c.tunnel[0]!.id);
    }
    const tuples = connections.map((c) => `${c.tunnel[0]!.id} ${c.client.port}>${c.server.port}`);
    expect(tuples.sort()).toEqual(['42 40000>8080', '42 40001>8081', '42 40002>8080', '43 40000>8080', '43 40001>8081', '43 40002>8080']);
    expect(connections.reduce((n, c) => n + c.packets.client + c.packets.server, 0)).toBe(48);
  });
});

describe('every other tunnel kind and link layer, around real traffic (fixtures/encapsulated)', () => {
  const rows = manifest(ENCAPSULATED);
  it('cover IP in IP both ways, GRE (plain, key/seq/checksum, Ethernet, IPv6 outside, PPTP), ERSPAN II and III, Geneve, GRE in UDP, GTP-U, Teredo, AYIYA, a nest, and 802.3 LLC/SNAP, PBB, VN-Tag, Cisco HDLC, NFLOG and an FCS', () => {
    expect(rows.length).toBe(21);
  });

  for (const { file, chain } of rows) {
    it(`${file}: segments and streams as tshark's, and the ${chain} chain named`, async () => {
      const path = join(ENCAPSULATED, file!);
      await sameAsTshark(path);
      const { connections } = await connectionsOf(path);
      expect(connections.map(streamRow)).toEqual(streamRowsFromFrames(`${path}.frames.tsv`));
      // Teredo carries only IPv6: the IPv4 connection stays outside any tunnel.
      // A link layer (chain -) is no tunnel.
      const expected = connections.map((c) => ((file === 'teredo.pcap' && !c.client.ip.includes(':')) || chain === '-' ? [] : chain!.split(',')));
      expect(connections.map((c) => c.tunnel.map((l) => l.kind))).toEqual(expected);
      expect(connections.length).toBe(2);
    });
  }
});

describe('Linux NFLOG as netfilter logged real traffic (fixtures/nflog)', () => {
  it('segments and streams as tshark reads them, and both connections whole', async () => {
    const path = join(REPO, 'fixtures', 'nflog', 'linux-nflog.pcap');
    await sameAsTshark(path);
    const { connections } = await connectionsOf(path);
    expect(connections.map(streamRow)).toEqual(streamRowsFromFrames(`${path}.frames.tsv`));
    const reports = (await analyzeFile(path)).connections;
    expect(reports.map((c) => [c.ending, c.tunnel])).toEqual([
      ['graceful', []],
      ['graceful', []],
    ]);
  });
});
