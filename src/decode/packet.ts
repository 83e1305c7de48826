import { u16be } from '../capture/byte-order.js';
import type { PacketRecord } from '../capture/record.js';
import { ipv4HeaderChecksumOk, tcpChecksumOk } from './checksum.js';
import { FragmentReassembler } from './fragments.js';
import { IcmpError, parseIcmpError } from './icmp.js';
import { IpHeader, ipv6Headers, IPV6_FRAGMENTABLE_HEADERS, parseIp, PROTO_GRE, PROTO_ICMP, PROTO_ICMPV6, PROTO_IPV4, PROTO_IPV6, PROTO_TCP, PROTO_UDP } from './ip.js';
import { etherPayload, ETHERTYPE_IPV4, ETHERTYPE_IPV6, LINKTYPE, locateNetwork, type LinkOutcome, type LinkResult } from './link.js';
import { parseTcp, TcpHeader } from './tcp.js';
import {
  ETHERTYPE_PPP,
  ETHERTYPE_TRANSPARENT_ETHERNET,
  parseGre,
  parseUdpTunnel,
  TUNNEL_GRE,
  udpTunnelGuess,
  TUNNEL_IP_IN_IP,
  TUNNEL_KINDS,
  TunnelChains,
  TunnelStack,
  UdpTunnelPorts,
  type UdpTunnelKind,
  type TunnelChain,
  type TunnelKind,
  type TunnelOutcome,
  type TunnelPayload,
} from './tunnel.js';

/**
 * What a frame turned out to be.
 * - tcp: a TCP segment; `ip` and `tcp` hold it.
 * - icmp-error: an ICMP/ICMPv6 error message (unreachable, time exceeded, too big, ...)
 *   quoting a TCP header; `ip` and `icmp`.
 * - other-ip: IP carrying something else (UDP, ICMP echo, ...).
 * - fragment: an IP fragment that does not complete its datagram (the frame that does
 *   carries the reassembled datagram), or a later fragment of a protocol not reassembled.
 * - not-ip: a link-layer frame without IP (ARP, LLDP, ...).
 * - unsupported-link: a link type this decoder does not read.
 * - truncated: headers cut off by the snapshot length before TCP could be read.
 * - malformed: a header that contradicts itself (bad IHL, TCP data offset below 5, ...).
 * - bad-checksum: a TCP segment whose IPv4 header or TCP checksum is wrong, when asked
 *   to check them (DecodeOptions.checksums); `ip` and `tcp` hold it, but it is not used.
 */
export type DecodeOutcome = 'tcp' | 'icmp-error' | 'other-ip' | 'fragment' | 'not-ip' | 'unsupported-link' | 'truncated' | 'malformed' | 'bad-checksum';

export const DECODE_OUTCOMES: readonly DecodeOutcome[] = ['tcp', 'icmp-error', 'other-ip', 'fragment', 'not-ip', 'unsupported-link', 'truncated', 'malformed', 'bad-checksum'];

// Indexes into DECODE_OUTCOMES: the hot path counts into a typed array by number, since
// a store keyed by a variable string costs more than the rest of a frame's decoding.
const TCP = 0;
const ICMP_ERROR = 1;
const OTHER_IP = 2;
const FRAGMENT = 3;
const NOT_IP = 4;
const UNSUPPORTED_LINK = 5;
const TRUNCATED = 6;
const MALFORMED = 7;
const BAD_CHECKSUM = 8;

/** Frames per outcome, which link types were skipped, and where problems first showed. */
export class DecodeCounts {
  readonly tally = new Float64Array(DECODE_OUTCOMES.length);
  /** Frames that came through each kind of tunnel (TUNNEL_KINDS order), counted once per layer. */
  readonly tunnelled = new Float64Array(TUNNEL_KINDS.length);
  /**
   * UDP ports whose datagrams look like a tunnel carrying TCP but are not read as one
   * (see udpTunnelGuess): the kind they look like, how many, and the first frame.
   */
  readonly tunnelGuesses = new Map<number, { kind: UdpTunnelKind; datagrams: number; firstFrame: number }>();
  /** Frames per link type not decoded, and the first of them. */
  readonly unsupportedLinkTypes = new Map<number, { frames: number; firstFrame: number }>();
  firstMalformedFrame = 0;
  firstTruncatedFrame = 0;
  firstBadChecksumFrame = 0;

  constructor(private readonly fragments: FragmentReassembler) {}

  /**
   * Fragments of TCP datagrams that never came together (given up, or still waiting at
   * the end), and the first frame of them (0: none): TCP the capture holds but no
   * connection shows.
   */
  get incompleteTcpFragments(): { frames: number; firstFrame: number } {
    const f = this.fragments;
    const waiting = f.pending();
    const firstFrame = f.firstDroppedFrame === 0 || (waiting.firstFrame !== 0 && waiting.firstFrame < f.firstDroppedFrame) ? waiting.firstFrame : f.firstDroppedFrame;
    return { frames: f.droppedFrames + waiting.frames, firstFrame };
  }

  get byOutcome(): Record<DecodeOutcome, number> {
    return Object.fromEntries(DECODE_OUTCOMES.map((o, i) => [o, this.tally[i]!])) as Record<DecodeOutcome, number>;
  }

  /** Frames per kind of tunnel they came through, for the kinds seen. */
  get byTunnel(): Partial<Record<TunnelKind, number>> {
    return Object.fromEntries(TUNNEL_KINDS.map((k, i) => [k, this.tunnelled[i]!]).filter(([, n]) => n !== 0));
  }
}

/**
 * IP protocols whose fragments are reassembled (1 by protocol number): TCP, and what
 * can lead to it (ICMP errors quoting it; tunnels, whose outer datagrams are often
 * fragmented on a 1500-byte path; IPv6 headers that may come before them in the
 * fragmentable part). The fragments of anything else are only counted.
 */
const REASSEMBLED = new Uint8Array(256);
for (const p of [PROTO_TCP, PROTO_ICMP, PROTO_ICMPV6, PROTO_UDP, PROTO_GRE, PROTO_IPV4, PROTO_IPV6, ...IPV6_FRAGMENTABLE_HEADERS]) REASSEMBLED[p] = 1;

const EMPTY = Buffer.alloc(0);

/** UDP ports followed as possible tunnels (tunnelGuesses) per capture. */
const MAX_TUNNEL_GUESSES = 16;

/** Not an outcome: the tunnel led to another IP header, to decode in turn. */
const INNER_IP = -1;

/** How a decoder reads what is not self-describing. */
export interface DecodeOptions {
  /** UDP ports that carry a tunnel, besides (or instead of) the defaults: `{ 8472: 'vxlan' }`. */
  udpTunnelPorts?: Readonly<Record<number, UdpTunnelKind>>;
  /**
   * Check each TCP segment's IPv4 header and TCP checksums, as Zeek does, and leave out
   * those that fail (outcome bad-checksum). Off by default, as in Wireshark: a capture
   * taken on a sending host holds checksums its NIC had yet to fill in (offload).
   */
  checksums?: boolean;
}

/**
 * Decodes frames down to TCP, through any tunnels (tunnel.ts). One instance per
 * capture: `ip`, `tcp` and `icmp` are rewritten in place for every frame (valid until
 * the next `decode`), so decoding allocates nothing per packet. `ip` is the innermost
 * IP header; `tunnel` the chain it came through, or null.
 */
export class PacketDecoder {
  readonly ip = new IpHeader();
  readonly tcp = new TcpHeader();
  readonly icmp = new IcmpError();
  private readonly fragments = new FragmentReassembler();
  readonly counts = new DecodeCounts(this.fragments);
  /** The bytes `ip`'s and `tcp`'s offsets point into: the frame's, or its reassembled datagram's. */
  data: Buffer = EMPTY;
  /** The tunnels the last TCP segment or ICMP error came through (null: none). */
  tunnel: TunnelChain | null = null;
  private readonly link: LinkResult = { networkOffset: 0, etherType: 0 };
  private readonly stack = new TunnelStack();
  private readonly chains = new TunnelChains();
  private readonly udpPorts: UdpTunnelPorts;
  private readonly checksums: boolean;
  private readonly payload: TunnelPayload = { offset: 0, etherType: 0, id: -1, kind: 0 };
  /** Where the datagram being decoded ends: captured bytes, then each tunnel's bound. */
  private end = 0;

  constructor(options: DecodeOptions = {}) {
    this.udpPorts = new UdpTunnelPorts(options.udpTunnelPorts);
    this.checksums = options.checksums === true;
  }

  decode(rec: PacketRecord): DecodeOutcome {
    this.stack.depth = 0;
    this.fragments.release();
    const code = this.classify(rec);
    const counts = this.counts;
    counts.tally[code] = counts.tally[code]! + 1;
    if (code >= UNSUPPORTED_LINK) this.noteProblem(code, rec);
    const stack = this.stack;
    for (let i = 0; i < stack.depth; i++) {
      const kind = stack.layers[i]!.kind;
      counts.tunnelled[kind] = counts.tunnelled[kind]! + 1;
    }
    this.tunnel = (code === TCP || code === ICMP_ERROR) && stack.depth > 0 ? this.chains.intern(stack) : null;
    return DECODE_OUTCOMES[code]!;
  }

  private noteProblem(code: number, rec: PacketRecord): void {
    const counts = this.counts;
    if (code === MALFORMED && counts.firstMalformedFrame === 0) counts.firstMalformedFrame = rec.frame;
    else if (code === TRUNCATED && counts.firstTruncatedFrame === 0) counts.firstTruncatedFrame = rec.frame;
    else if (code === BAD_CHECKSUM && counts.firstBadChecksumFrame === 0) counts.firstBadChecksumFrame = rec.frame;
    else if (code === UNSUPPORTED_LINK) {
      const seen = counts.unsupportedLinkTypes.get(rec.linkType);
      if (seen === undefined) counts.unsupportedLinkTypes.set(rec.linkType, { frames: 1, firstFrame: rec.frame });
      else seen.frames++;
    }
  }

  /** The frame's outcome as an index into DECODE_OUTCOMES. */
  private classify(rec: PacketRecord): number {
    let b = rec.data;
    this.data = b;
    const start = rec.offset;
    this.end = start + rec.capturedLength;
    let original = rec.originalLength;
    if (rec.fcsLength !== 0) {
      // The FCS ends the frame: not part of what it carries (an IP length of 0, from
      // segmentation offload, is taken from the frame's length). Captured only if the
      // snapshot length left the frame whole.
      this.end -= Math.max(0, Math.min(rec.capturedLength, rec.fcsLength - Math.max(0, original - rec.capturedLength)));
      original = Math.max(0, original - rec.fcsLength);
    }
    const link = this.link;
    const linkOutcome = locateNetwork(rec.linkType, b, start, this.end, link);
    if (linkOutcome !== 'ip') {
      return linkOutcome === 'unsupported' ? UNSUPPORTED_LINK : linkOutcome === 'truncated' ? TRUNCATED : NOT_IP;
    }
    const ip = this.ip;
    let frameBytes = original - (link.networkOffset - start);
    for (;;) {
      // Where this IP header starts in `b`; -1 once the datagram is reassembled (its
      // header is the first fragment's, not in the reassembled bytes).
      let header = link.networkOffset;
      const ipOutcome = parseIp(link.etherType, b, link.networkOffset, this.end, frameBytes, ip);
      if (ipOutcome !== 'ok') return ipOutcome === 'truncated' ? TRUNCATED : MALFORMED;
      if (ip.fragmented && (ip.moreFragments || ip.fragmentOffset !== 0)) {
        if (REASSEMBLED[ip.protocol] === 0) return ip.fragmentOffset === 0 ? OTHER_IP : FRAGMENT;
        if (!this.fragments.add(ip, b, this.end, rec.frame, rec.tsSec + rec.tsNsec / 1e9)) return FRAGMENT;
        // The frame that completes a datagram carries it whole (Wireshark shows the
        // reassembled TCP in that frame): decoding goes on in the reassembled bytes.
        const whole = this.fragments.completed!;
        b = this.data = whole.bytes!;
        header = -1;
        ip.fragmentOffset = 0;
        ip.moreFragments = false;
        this.end = Math.min(whole.total, whole.capturedEnd);
        if (ip.version === 6) {
          // The extension headers after the Fragment header came in the datagram.
          const walked = ipv6Headers(b, 0, whole.total, this.end, ip.protocol, ip);
          if (walked !== 'ok') return walked === 'truncated' ? TRUNCATED : MALFORMED;
        } else {
          ip.payloadOffset = 0;
          ip.payloadLength = whole.total;
        }
      }
      const protocol = ip.protocol;
      if (protocol === PROTO_TCP) {
        const tcpOutcome = parseTcp(b, ip.payloadOffset, this.end, ip.payloadLength, this.tcp);
        if (tcpOutcome !== 'ok') return tcpOutcome === 'truncated' ? TRUNCATED : MALFORMED;
        return this.checksums && !this.checksumsOk(b, header) ? BAD_CHECKSUM : TCP;
      }
      if ((protocol === PROTO_ICMP && ip.version === 4) || (protocol === PROTO_ICMPV6 && ip.version === 6)) {
        const icmpOutcome = parseIcmpError(ip.version, b, ip.payloadOffset, this.end, this.icmp);
        return icmpOutcome === 'tcp-quoted' ? ICMP_ERROR : icmpOutcome === 'truncated' ? TRUNCATED : OTHER_IP;
      }
      const next = this.enterTunnel(b, rec.frame);
      if (next !== INNER_IP) return next;
      // The inner packet lies within the outer datagram: a trailer after it is not its.
      const datagramEnd = ip.payloadOffset + ip.payloadLength;
      if (datagramEnd < this.end) this.end = datagramEnd;
      frameBytes = datagramEnd - link.networkOffset;
    }
  }

  /**
   * The innermost IPv4 header's checksum (when its bytes are there) and the TCP
   * checksum (when the whole segment was captured: a snapshot length that cut it leaves
   * nothing to check), as Zeek checks them (IPAnalyzer, TCP_Endpoint::ValidChecksum).
   */
  private checksumsOk(b: Buffer, header: number): boolean {
    const ip = this.ip;
    if (ip.version === 4 && header >= 0 && !ipv4HeaderChecksumOk(b, header, ip.payloadOffset - header)) return false;
    const tcp = this.tcp;
    return tcp.capturedPayload < tcp.payloadLength || tcpChecksumOk(ip, tcp, b);
  }

  /**
   * The IP header in `ip` carries a tunnel: records the layer and points `link` at the
   * inner IP header (INNER_IP), or gives the frame's outcome (OTHER_IP: not a tunnel).
   */
  private enterTunnel(b: Buffer, frame: number): number {
    const ip = this.ip;
    const p = this.payload;
    const protocol = ip.protocol;
    let outcome: TunnelOutcome | 'none';
    if (protocol === PROTO_IPV4 || protocol === PROTO_IPV6) {
      // RFC 2003 / RFC 4213 / RFC 2473: the inner IP header follows the outer at once.
      p.offset = ip.payloadOffset;
      p.etherType = protocol === PROTO_IPV4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
      p.id = -1;
      p.kind = TUNNEL_IP_IN_IP;
      outcome = 'ok';
    } else if (protocol === PROTO_GRE) {
      outcome = parseGre(b, ip.payloadOffset, this.end, TUNNEL_GRE, p);
    } else if (protocol === PROTO_UDP) {
      outcome = parseUdpTunnel(b, ip.payloadOffset, this.end, this.udpPorts, p);
      // A datagram on a tunnel's port that is not that tunnel's: plain UDP.
      if (outcome === 'malformed') outcome = 'none';
      if (outcome === 'none') this.noteTunnelGuess(b, frame);
    } else {
      outcome = 'none';
    }
    if (outcome === 'none') return OTHER_IP;
    if (outcome !== 'ok') return outcome === 'truncated' ? TRUNCATED : MALFORMED;
    if (!this.stack.push(p.kind, ip.version, ip.src, ip.dst, p.id)) return MALFORMED;
    const inner = this.locateInner(b);
    return inner === 'ip' ? INNER_IP : inner === 'truncated' ? TRUNCATED : OTHER_IP;
  }

  /** Counts a UDP datagram that looks like a tunnel carrying TCP on a port not read as one (udpTunnelGuess). */
  private noteTunnelGuess(b: Buffer, frame: number): void {
    const udp = this.ip.payloadOffset;
    const kind = udpTunnelGuess(b, udp, Math.min(this.end, udp + this.ip.payloadLength));
    if (kind < 0) return;
    const port = Math.min(u16be(b, udp), u16be(b, udp + 2));
    const guesses = this.counts.tunnelGuesses;
    const seen = guesses.get(port);
    if (seen !== undefined) seen.datagrams++;
    else if (guesses.size < MAX_TUNNEL_GUESSES) guesses.set(port, { kind: TUNNEL_KINDS[kind] as UdpTunnelKind, datagrams: 1, firstFrame: frame });
  }

  /** The tunnel's payload: an Ethernet frame, a PPP frame, or what an EtherType names. */
  private locateInner(b: Buffer): LinkOutcome {
    const p = this.payload;
    if (p.etherType === ETHERTYPE_TRANSPARENT_ETHERNET) return locateNetwork(LINKTYPE.ETHERNET, b, p.offset, this.end, this.link);
    if (p.etherType === ETHERTYPE_PPP) return locateNetwork(LINKTYPE.PPP_HDLC, b, p.offset, this.end, this.link);
    return etherPayload(p.etherType, b, p.offset, this.end, this.link);
  }
}
