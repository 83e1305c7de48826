/**
 * Packet templates for decoder unit tests: each layer builds bytes from a few fields,
 * so a test states only what it changes. Checksums are left zero (nothing reads them).
 */
import type { PacketRecord } from '../../src/capture/record.js';
import { newPacketRecord } from '../../src/capture/record.js';

export interface TcpFields {
  sport?: number;
  dport?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  window?: number;
  options?: number[];
  payload?: number;
  /** Overrides the data-offset nibble. */
  dataOffset?: number;
}

export function tcp(f: TcpFields = {}): Buffer {
  const opts = Buffer.from(f.options ?? []);
  const optLen = Math.ceil(opts.length / 4) * 4;
  const h = Buffer.alloc(20 + optLen + (f.payload ?? 0));
  h.writeUInt16BE(f.sport ?? 40000, 0);
  h.writeUInt16BE(f.dport ?? 80, 2);
  h.writeUInt32BE(f.seq ?? 1000, 4);
  h.writeUInt32BE(f.ack ?? 0, 8);
  const flags = f.flags ?? 0x10;
  h[12] = ((f.dataOffset ?? (20 + optLen) / 4) << 4) | ((flags >> 8) & 0x0f);
  h[13] = flags & 0xff;
  h.writeUInt16BE(f.window ?? 501, 14);
  opts.copy(h, 20);
  return h;
}

export interface Ipv4Fields {
  protocol?: number;
  src?: string;
  dst?: string;
  options?: number;
  totalLength?: number;
  fragment?: number;
  id?: number;
}

export function ipv4(payload: Buffer, f: Ipv4Fields = {}): Buffer {
  const hl = 20 + (f.options ?? 0);
  const h = Buffer.alloc(hl);
  h[0] = 0x40 | (hl / 4);
  h.writeUInt16BE(f.totalLength ?? hl + payload.length, 2);
  h.writeUInt16BE(f.id ?? 0, 4);
  h.writeUInt16BE(f.fragment ?? 0x4000, 6);
  h[8] = 64;
  h[9] = f.protocol ?? 6;
  (f.src ?? '198.18.1.2').split('.').forEach((o, i) => (h[12 + i] = Number(o)));
  (f.dst ?? '198.18.2.2').split('.').forEach((o, i) => (h[16 + i] = Number(o)));
  return Buffer.concat([h, payload]);
}

/** IPv6 with extension headers given as [type, bytes] (bytes without next/len fields filled). */
export function ipv6(payload: Buffer, protocol = 6, extensions: [number, Buffer][] = []): Buffer {
  const exts: Buffer[] = [];
  const types = extensions.map(([t]) => t);
  extensions.forEach(([, body], i) => {
    const e = Buffer.from(body);
    e[0] = types[i + 1] ?? protocol;
    if (types[i] !== 44) e[1] = e.length / 8 - 1;
    exts.push(e);
  });
  const rest = Buffer.concat([...exts, payload]);
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(rest.length, 4);
  h[6] = types[0] ?? protocol;
  h[7] = 64;
  h.writeUInt16BE(0xfd00, 8);
  h.writeUInt16BE(0x7d, 10);
  h.writeUInt32BE(0xc0002, 20);
  h.writeUInt16BE(0xfd00, 24);
  h.writeUInt16BE(0x7d, 26);
  h.writeUInt32BE(0x50002, 36);
  return Buffer.concat([h, rest]);
}

export function ethernet(payload: Buffer, etherType = 0x0800, tags: number[] = []): Buffer {
  const h = Buffer.alloc(12, 0xaa);
  const shims = tags.map((t) => Buffer.from([t >> 8, t & 0xff, 0x00, 0x64]));
  // Each tag's own type field precedes it; the last carries the payload's EtherType.
  const types = [...tags, etherType];
  const parts: Buffer[] = [h, Buffer.from([types[0]! >> 8, types[0]! & 0xff])];
  shims.forEach((_, i) => parts.push(Buffer.from([0x00, 0x64, types[i + 1]! >> 8, types[i + 1]! & 0xff])));
  return Buffer.concat([...parts, payload]);
}

/** A record over `bytes`, as the reader would hand it out. */
export function record(bytes: Buffer, linkType = 1, captured = bytes.length, original = bytes.length): PacketRecord {
  const r = newPacketRecord();
  r.frame = 1;
  r.data = Buffer.concat([Buffer.alloc(3), bytes]); // a non-zero offset, as in a window
  r.offset = 3;
  r.capturedLength = captured;
  r.originalLength = original;
  r.linkType = linkType;
  return r;
}

// Tunnel headers (decode/tunnel.ts), each around a payload.
export const u16 = (n: number): number[] => [n >> 8, n & 0xff];
export const u32 = (n: number): number[] => [...u16(n >>> 16), ...u16(n & 0xffff)];
export const udp = (sport: number, dport: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([...u16(sport), ...u16(dport), ...u16(8 + payload.length), 0, 0]), payload]);
export const vxlan = (vni: number, frame: Buffer): Buffer => Buffer.concat([Buffer.from([0x08, 0, 0, 0, ...u32(vni << 8)]), frame]);
export const geneve = (vni: number, protocol: number, options: number[], inner: Buffer): Buffer =>
  Buffer.concat([Buffer.from([options.length / 4, 0, ...u16(protocol), ...u32(vni << 8), ...options]), inner]);
/** GRE: C, K and S bits as given (checksum, key, sequence), then the payload. */
export function gre(protocol: number, inner: Buffer, f: { checksum?: boolean; key?: number; seq?: number } = {}): Buffer {
  const flags = (f.checksum ? 0x8000 : 0) | (f.key !== undefined ? 0x2000 : 0) | (f.seq !== undefined ? 0x1000 : 0);
  const fields = [...(f.checksum ? [0, 0, 0, 0] : []), ...(f.key !== undefined ? u32(f.key) : []), ...(f.seq !== undefined ? u32(f.seq) : [])];
  return Buffer.concat([Buffer.from([...u16(flags), ...u16(protocol), ...fields]), inner]);
}
