import { u16be } from '../capture/byte-order.js';
import { formatAddress, newAddress, sameAddress, type AddressWords } from './address.js';

/**
 * Tunnels: the encapsulations a frame's TCP can ride in, outer to inner. Each layer is
 * one outer IP header and what it carried the inner packet in. The decoder walks them
 * (packet.ts) and keeps the chain here, rewritten in place for every frame; a chain
 * seen for the first time is interned (TunnelChains), so connections inside tunnels
 * are keyed by the inner 4-tuple plus the one chain object they ride in: two tenants'
 * VXLAN networks may reuse the same inner addresses.
 */
export const TUNNEL_KINDS = ['ip-in-ip', 'gre', 'erspan', 'gre-in-udp', 'vxlan', 'geneve', 'gtp-u', 'teredo', 'ayiya'] as const;
export type TunnelKind = (typeof TUNNEL_KINDS)[number];

export const TUNNEL_IP_IN_IP = 0;
export const TUNNEL_GRE = 1;
export const TUNNEL_ERSPAN = 2;
export const TUNNEL_GRE_IN_UDP = 3;
export const TUNNEL_VXLAN = 4;
export const TUNNEL_GENEVE = 5;
export const TUNNEL_GTP_U = 6;
export const TUNNEL_TEREDO = 7;
export const TUNNEL_AYIYA = 8;

/** The tunnels told by a UDP port. */
export type UdpTunnelKind = Extract<TunnelKind, 'gre-in-udp' | 'vxlan' | 'geneve' | 'gtp-u' | 'teredo' | 'ayiya'>;
export const UDP_TUNNEL_KINDS: readonly UdpTunnelKind[] = ['gre-in-udp', 'vxlan', 'geneve', 'gtp-u', 'teredo', 'ayiya'];

/** Their ports: IANA's, and Wireshark's and Zeek's defaults. Others by DecodeOptions. */
export const DEFAULT_UDP_TUNNEL_PORTS: Readonly<Record<number, UdpTunnelKind>> = {
  4754: 'gre-in-udp',
  4789: 'vxlan',
  6081: 'geneve',
  2152: 'gtp-u',
  3544: 'teredo',
  5072: 'ayiya',
};

/** Which kind of tunnel each UDP port means (TUNNEL_KINDS index + 1; 0: none), looked up per datagram. */
export class UdpTunnelPorts {
  private readonly kinds = new Uint8Array(65536);

  /** The defaults, changed by `ports` (a port given a kind here means that kind only). */
  constructor(ports: Readonly<Record<number, UdpTunnelKind>> = {}) {
    for (const [port, kind] of Object.entries({ ...DEFAULT_UDP_TUNNEL_PORTS, ...ports })) this.kinds[Number(port)] = TUNNEL_KINDS.indexOf(kind) + 1;
  }

  /** The TUNNEL_KINDS index the port means, or -1. */
  kindOf(port: number): number {
    return this.kinds[port]! - 1;
  }
}

/** Tunnels within tunnels followed at most: a deeper nest is refused as malformed. */
export const MAX_TUNNEL_DEPTH = 4;

/** One layer of the chain being decoded. */
export class TunnelLayer {
  kind = 0;
  version: 4 | 6 = 4;
  readonly src: AddressWords = newAddress();
  readonly dst: AddressWords = newAddress();
  /** VXLAN or Geneve VNI, GRE key, ERSPAN session; -1 when the tunnel carries none. */
  id = -1;
}

/** A layer as reports give it. `id` is named by kind (vni, key, session) in output. */
export interface TunnelRecord {
  kind: TunnelKind;
  /** The VNI (VXLAN, Geneve), key (GRE) or session (ERSPAN); null when none was carried. */
  id: number | null;
  /** The outer IP header's addresses, as sent (which side is which is the tunnel's own). */
  outer: { src: string; dst: string };
}

/** An interned chain: one object per distinct chain in a capture, compared by reference. */
export interface TunnelChain {
  /** Small and distinct per capture: mixed into the connection's hash. */
  readonly id: number;
  readonly layers: readonly TunnelRecord[];
}

/** The chain of the frame being decoded, outer first. */
export class TunnelStack {
  depth = 0;
  readonly layers: TunnelLayer[] = Array.from({ length: MAX_TUNNEL_DEPTH }, () => new TunnelLayer());

  /** Opens the next layer with its outer addresses; false past MAX_TUNNEL_DEPTH. */
  push(kind: number, version: 4 | 6, src: AddressWords, dst: AddressWords, id: number): boolean {
    if (this.depth === MAX_TUNNEL_DEPTH) return false;
    const l = this.layers[this.depth++]!;
    l.kind = kind;
    l.version = version;
    l.src.set(src);
    l.dst.set(dst);
    l.id = id;
    return true;
  }

  /** Same value for a tunnel's two directions (outer addresses swap between them). */
  hash(): number {
    let h = this.depth;
    for (let i = 0; i < this.depth; i++) {
      const l = this.layers[i]!;
      let a = 0;
      let b = 0;
      for (let w = 0; w < 4; w++) {
        a = Math.imul(a ^ l.src[w]!, 0x9e3779b1);
        b = Math.imul(b ^ l.dst[w]!, 0x9e3779b1);
      }
      h = Math.imul(h ^ ((a + b) | 0) ^ Math.imul(l.kind + 1, 0x85ebca6b) ^ l.id, 0xcc9e2d51);
      h ^= h >>> 15;
    }
    // Small integers stay unboxed as Map keys.
    return h & 0x3fffffff;
  }
}

/** Whether `l` and `r` are the same layer, either way round. */
function sameLayer(l: TunnelLayer, r: TunnelLayer): boolean {
  if (l.kind !== r.kind || l.version !== r.version || l.id !== r.id) return false;
  return (sameAddress(l.src, r.src) && sameAddress(l.dst, r.dst)) || (sameAddress(l.src, r.dst) && sameAddress(l.dst, r.src));
}

/** A chain interned, with the raw layers it was made from to compare frames against. */
interface Interned extends TunnelChain {
  readonly raw: TunnelLayer[];
}

/**
 * The distinct chains of one capture. A tunnelled frame looks its chain up (hash and
 * compare, no allocation); only a chain not seen before makes an object, as a new
 * connection does.
 */
export class TunnelChains {
  private readonly byHash = new Map<number, Interned[]>();
  private count = 0;

  /** The chain `stack` holds now; null when the frame came through no tunnel. */
  intern(stack: TunnelStack): TunnelChain | null {
    if (stack.depth === 0) return null;
    const hash = stack.hash();
    let bucket = this.byHash.get(hash);
    if (bucket !== undefined) {
      for (const c of bucket) if (sameChain(c.raw, stack)) return c;
    } else {
      this.byHash.set(hash, (bucket = []));
    }
    const raw = stack.layers.slice(0, stack.depth).map((l) => {
      const copy = new TunnelLayer();
      copy.kind = l.kind;
      copy.version = l.version;
      copy.src.set(l.src);
      copy.dst.set(l.dst);
      copy.id = l.id;
      return copy;
    });
    const layers = raw.map((l): TunnelRecord => ({
      kind: TUNNEL_KINDS[l.kind]!,
      id: l.id < 0 ? null : l.id,
      outer: { src: formatAddress(l.version, l.src), dst: formatAddress(l.version, l.dst) },
    }));
    const chain: Interned = { id: ++this.count, layers, raw };
    bucket.push(chain);
    return chain;
  }
}

function sameChain(raw: TunnelLayer[], stack: TunnelStack): boolean {
  if (raw.length !== stack.depth) return false;
  for (let i = 0; i < raw.length; i++) if (!sameLayer(raw[i]!, stack.layers[i]!)) return false;
  return true;
}

/** Where a tunnel header says its payload is, and what it is. */
export interface TunnelPayload {
  /** Absolute offset of the carried packet or frame. */
  offset: number;
  /** An EtherType (0x0800, 0x86dd, 0x6558 for Ethernet, 0x880b for PPP, ...). */
  etherType: number;
  /** Key, VNI or session; -1 for none. */
  id: number;
  kind: number;
}

export const ETHERTYPE_TRANSPARENT_ETHERNET = 0x6558;
export const ETHERTYPE_PPP = 0x880b;
const ETHERTYPE_ERSPAN_2 = 0x88be;
const ETHERTYPE_ERSPAN_3 = 0x22eb;

const GRE_CHECKSUM = 0x8000;
const GRE_ROUTING = 0x4000;
const GRE_KEY = 0x2000;
const GRE_SEQUENCE = 0x1000;
const GRE_ACK = 0x0080;

export type TunnelOutcome = 'ok' | 'truncated' | 'malformed';

/**
 * A GRE header (RFC 2784, keys and sequence numbers RFC 2890; version 1 is PPTP's
 * enhanced GRE, RFC 2637, whose key field holds payload length and call id). ERSPAN
 * (draft-foschiano-erspan) rides in GRE: type I with no header of its own, type II with
 * 8 bytes (and the GRE sequence bit set), type III with 12, plus 8 when its O bit says a
 * platform subheader follows. Its session id stands in for the key.
 */
export function parseGre(b: Buffer, off: number, end: number, kind: number, out: TunnelPayload): TunnelOutcome {
  if (end - off < 4) return 'truncated';
  const flags = u16be(b, off);
  const version = flags & 7;
  if (version > 1 || (flags & GRE_ROUTING) !== 0) return 'malformed';
  let p = off + 4;
  if ((flags & GRE_CHECKSUM) !== 0) p += 4;
  let id = -1;
  if ((flags & GRE_KEY) !== 0) {
    if (end - p < 4) return 'truncated';
    // PPTP's key: payload length, then the call id that tells its sessions apart.
    id = version === 1 ? u16be(b, p + 2) : ((u16be(b, p) << 16) | u16be(b, p + 2)) >>> 0;
    p += 4;
  }
  if ((flags & GRE_SEQUENCE) !== 0) p += 4;
  if (version === 1 && (flags & GRE_ACK) !== 0) p += 4;
  if (end - p < 0) return 'truncated';
  let type = u16be(b, off + 2);
  if (type === ETHERTYPE_ERSPAN_2 || type === ETHERTYPE_ERSPAN_3) {
    kind = TUNNEL_ERSPAN;
    if (type === ETHERTYPE_ERSPAN_3 || (flags & GRE_SEQUENCE) !== 0) {
      const header = type === ETHERTYPE_ERSPAN_3 ? 12 : 8;
      if (end - p < header) return 'truncated';
      id = u16be(b, p + 2) & 0x3ff;
      const subheader = type === ETHERTYPE_ERSPAN_3 && (b[p + 11]! & 1) !== 0 ? 8 : 0;
      p += header + subheader;
    }
    type = ETHERTYPE_TRANSPARENT_ETHERNET;
  }
  out.offset = p;
  out.etherType = type;
  out.id = id;
  out.kind = kind;
  return 'ok';
}

/**
 * A tunnel carried in UDP, told by its port: VXLAN (RFC 7348), Geneve (RFC 8926,
 * options skipped by their length), GRE in UDP (RFC 8086), GTP-U (3GPP TS 29.281,
 * extension headers walked), Teredo (RFC 4380, authentication and origin indicators
 * skipped) and AYIYA (draft-massar-v6ops-ayiya). `off` is the UDP header. The tunnel's
 * port must be the lower of the two: encapsulators pick the source port from the
 * ephemeral range, above every tunnel port (RFC 7348 5, RFC 8086 3.2), and Wireshark
 * tries the lower port's protocol first, so a DNS reply from port 53 to an ephemeral
 * port that happens to be 4789 stays DNS. 'malformed' when the port matched but the
 * header is not the tunnel's: the datagram is then plain UDP to the caller.
 */
export function parseUdpTunnel(b: Buffer, off: number, end: number, ports: UdpTunnelPorts, out: TunnelPayload): TunnelOutcome | 'none' {
  if (end - off < 8) return 'truncated';
  const kind = ports.kindOf(Math.min(u16be(b, off), u16be(b, off + 2)));
  const p = off + 8;
  const datagramEnd = off + u16be(b, off + 4);
  switch (kind) {
    case TUNNEL_GRE_IN_UDP:
      return parseGre(b, p, end, TUNNEL_GRE_IN_UDP, out);
    case TUNNEL_VXLAN:
      if (end - p < 8) return 'truncated';
      if ((b[p]! & 0x08) === 0) return 'malformed'; // the I flag: a VNI is present
      return carried(out, TUNNEL_VXLAN, ETHERTYPE_TRANSPARENT_ETHERNET, p + 8, u24be(b, p + 4), end);
    case TUNNEL_GENEVE:
      if (end - p < 8) return 'truncated';
      if (b[p]! >>> 6 !== 0) return 'malformed'; // version 0 is the only one
      return carried(out, TUNNEL_GENEVE, u16be(b, p + 2), p + 8 + (b[p]! & 0x3f) * 4, u24be(b, p + 4), end);
    case TUNNEL_GTP_U:
      return parseGtpU(b, p, end, out);
    case TUNNEL_TEREDO:
      return parseTeredo(b, p, end, datagramEnd, out);
    case TUNNEL_AYIYA:
      return parseAyiya(b, p, end, out);
    default:
      // Teredo's data goes between a client and a relay on ports of their own: it is
      // known by its content, as Wireshark's and Zeek's heuristics know it.
      return parseTeredo(b, p, end, datagramEnd, out) === 'ok' ? 'ok' : 'none';
  }
}

/**
 * Whether a UDP datagram on a port that means no tunnel looks like one carrying TCP
 * anyway: a VXLAN or Geneve header with its reserved bits clear around an Ethernet
 * frame, or a GTP-U G-PDU, holding an IP packet of protocol TCP. Linux's VXLAN devices
 * default to port 8472, not IANA's 4789, and mobile cores move GTP-U: such a capture
 * would otherwise show no connection and no reason. Returns the TUNNEL_KINDS index, or
 * -1. Strict enough that DNS, QUIC and RTP do not pass: every reserved field must be
 * zero and the inner headers must agree.
 */
export function udpTunnelGuess(b: Buffer, udp: number, end: number): number {
  const p = udp + 8;
  if (end - p < 8 + 14 + 20) return -1;
  if (b[p] === 0x08 && b[p + 1] === 0 && b[p + 2] === 0 && b[p + 3] === 0 && b[p + 7] === 0 && ethernetCarriesTcp(b, p + 8, end)) return TUNNEL_VXLAN;
  if (b[p]! >>> 6 === 0 && (b[p + 1]! & 0x3f) === 0 && u16be(b, p + 2) === ETHERTYPE_TRANSPARENT_ETHERNET && b[p + 7] === 0 && ethernetCarriesTcp(b, p + 8 + (b[p]! & 0x3f) * 4, end)) return TUNNEL_GENEVE;
  if (b[p + 1] === 255 && parseGtpU(b, p, end, guessed) === 'ok' && ipCarriesTcp(b, guessed.offset, end)) return TUNNEL_GTP_U;
  return -1;
}

/** Where udpTunnelGuess lets parseGtpU write (reused: a guess allocates nothing). */
const guessed: TunnelPayload = { offset: 0, etherType: 0, id: -1, kind: 0 };

function ethernetCarriesTcp(b: Buffer, p: number, end: number): boolean {
  return end - p >= 14 && (u16be(b, p + 12) === 0x0800 || u16be(b, p + 12) === 0x86dd) && ipCarriesTcp(b, p + 14, end);
}

/** An IPv4 header of 20+ bytes or an IPv6 header whose next header is TCP. */
function ipCarriesTcp(b: Buffer, p: number, end: number): boolean {
  if (end - p < 40) return false;
  const first = b[p]!;
  if (first >>> 4 === 4) return (first & 0x0f) >= 5 && b[p + 9] === 6;
  return first >>> 4 === 6 && b[p + 6] === 6;
}

function carried(out: TunnelPayload, kind: number, etherType: number, offset: number, id: number, end: number): TunnelOutcome {
  out.kind = kind;
  out.etherType = etherType;
  out.offset = offset;
  out.id = id;
  return end - offset < 0 ? 'truncated' : 'ok';
}

const u24be = (b: Buffer, p: number): number => (b[p]! << 16) | (b[p + 1]! << 8) | b[p + 2]!;

/** The EtherType of the IP header at `p`, by its version nibble; 0 for neither. */
function ipVersionType(b: Buffer, p: number, end: number): number {
  if (end - p < 1) return 0;
  const version = b[p]! >>> 4;
  return version === 4 ? 0x0800 : version === 6 ? 0x86dd : 0;
}

/** GTP-U: version 1, a G-PDU (type 255) carrying an IP packet; the TEID names the tunnel. */
function parseGtpU(b: Buffer, p: number, end: number, out: TunnelPayload): TunnelOutcome {
  if (end - p < 8) return 'truncated';
  const flags = b[p]!;
  if (flags >>> 5 !== 1 || (flags & 0x10) === 0 || b[p + 1] !== 255) return 'malformed';
  const teid = ((u16be(b, p + 4) << 16) | u16be(b, p + 6)) >>> 0;
  let q = p + 8;
  if ((flags & 0x07) !== 0) {
    // Sequence number, N-PDU number and next extension type, present if any of E, S, PN.
    if (end - q < 4) return 'truncated';
    let next = b[q + 3]!;
    q += 4;
    for (let n = 0; next !== 0; n++) {
      // Each extension: its length in 4-byte units, content, then the next one's type.
      if (n === 16) return 'malformed';
      if (end - q < 1) return 'truncated';
      const length = b[q]! * 4;
      if (length === 0) return 'malformed';
      if (end - q < length) return 'truncated';
      next = b[q + length - 1]!;
      q += length;
    }
  }
  const type = ipVersionType(b, q, end);
  if (type === 0) return end - q < 1 ? 'truncated' : 'malformed';
  return carried(out, TUNNEL_GTP_U, type, q, teid, end);
}

/**
 * Teredo: IPv6 in UDP, after an optional authentication indicator (0x0001, id and
 * authentication lengths, client id, authentication value, 8-byte nonce, confirmation)
 * and an optional origin indication (0x0000, 6 bytes). The IPv6 packet must fill the
 * datagram to its end, as Wireshark's check asks: that is what tells it from other UDP.
 */
function parseTeredo(b: Buffer, p: number, end: number, datagramEnd: number, out: TunnelPayload): TunnelOutcome {
  let q = p;
  if (end - q >= 4 && b[q] === 0 && b[q + 1] === 1) q += 4 + b[q + 2]! + b[q + 3]! + 9;
  if (end - q >= 8 && b[q] === 0 && b[q + 1] === 0) q += 8;
  if (end - q < 40) return end < datagramEnd ? 'truncated' : 'malformed';
  if (b[q]! >>> 4 !== 6 || q + 40 + u16be(b, q + 4) !== datagramEnd) return 'malformed';
  return carried(out, TUNNEL_TEREDO, 0x86dd, q, -1, end);
}

/** AYIYA: a forward (opcode 1) of IPv6 or IPv4 after the identity and signature. */
function parseAyiya(b: Buffer, p: number, end: number, out: TunnelPayload): TunnelOutcome {
  if (end - p < 8) return 'truncated';
  const identity = 1 << (b[p]! >>> 4);
  const signature = (b[p + 1]! >>> 4) * 4;
  const opcode = b[p + 2]! & 0x0f;
  const next = b[p + 3]!;
  if (opcode !== 1 || (next !== 41 && next !== 4)) return 'malformed';
  return carried(out, TUNNEL_AYIYA, next === 41 ? 0x86dd : 0x0800, p + 8 + identity + signature, -1, end);
}
