import type { PacketRecord } from '../capture/record.js';
import { IcmpError, parseIcmpError } from './icmp.js';
import { IpHeader, parseIp, PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP } from './ip.js';
import { locateNetwork, type LinkResult } from './link.js';
import { parseTcp, TcpHeader } from './tcp.js';

/**
 * What a frame turned out to be.
 * - tcp: a TCP segment; `ip` and `tcp` hold it.
 * - icmp-error: an ICMP/ICMPv6 error message (unreachable, time exceeded, too big, ...)
 *   quoting a TCP header; `ip` and `icmp`.
 * - other-ip: IP carrying something else (UDP, ICMP echo, ...).
 * - fragment: a non-first IP fragment (its TCP header is in another frame).
 * - not-ip: a link-layer frame without IP (ARP, LLDP, ...).
 * - unsupported-link: a link type this decoder does not read.
 * - truncated: headers cut off by the snapshot length before TCP could be read.
 * - malformed: a header that contradicts itself (bad IHL, TCP data offset below 5, ...).
 */
export type DecodeOutcome = 'tcp' | 'icmp-error' | 'other-ip' | 'fragment' | 'not-ip' | 'unsupported-link' | 'truncated' | 'malformed';

export const DECODE_OUTCOMES: readonly DecodeOutcome[] = ['tcp', 'icmp-error', 'other-ip', 'fragment', 'not-ip', 'unsupported-link', 'truncated', 'malformed'];

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

/** Frames per outcome, which link types were skipped, and where problems first showed. */
export class DecodeCounts {
  readonly tally = new Float64Array(DECODE_OUTCOMES.length);
  readonly unsupportedLinkTypes = new Map<number, number>();
  firstMalformedFrame = 0;
  firstTruncatedFrame = 0;

  get byOutcome(): Record<DecodeOutcome, number> {
    return Object.fromEntries(DECODE_OUTCOMES.map((o, i) => [o, this.tally[i]!])) as Record<DecodeOutcome, number>;
  }
}

/**
 * Decodes frames down to TCP. One instance per capture: `ip`, `tcp` and `icmp` are
 * rewritten in place for every frame (valid until the next `decode`), so decoding
 * allocates nothing per packet.
 */
export class PacketDecoder {
  readonly ip = new IpHeader();
  readonly tcp = new TcpHeader();
  readonly icmp = new IcmpError();
  readonly counts = new DecodeCounts();
  private readonly link: LinkResult = { networkOffset: 0, etherType: 0 };

  decode(rec: PacketRecord): DecodeOutcome {
    const code = this.classify(rec);
    const counts = this.counts;
    counts.tally[code] = counts.tally[code]! + 1;
    if (code >= UNSUPPORTED_LINK) this.noteProblem(code, rec);
    return DECODE_OUTCOMES[code]!;
  }

  private noteProblem(code: number, rec: PacketRecord): void {
    const counts = this.counts;
    if (code === MALFORMED && counts.firstMalformedFrame === 0) counts.firstMalformedFrame = rec.frame;
    else if (code === TRUNCATED && counts.firstTruncatedFrame === 0) counts.firstTruncatedFrame = rec.frame;
    else if (code === UNSUPPORTED_LINK) {
      counts.unsupportedLinkTypes.set(rec.linkType, (counts.unsupportedLinkTypes.get(rec.linkType) ?? 0) + 1);
    }
  }

  /** The frame's outcome as an index into DECODE_OUTCOMES. */
  private classify(rec: PacketRecord): number {
    const b = rec.data;
    const start = rec.offset;
    const end = start + rec.capturedLength;
    const link = this.link;
    const linkOutcome = locateNetwork(rec.linkType, b, start, end, link);
    if (linkOutcome !== 'ip') {
      return linkOutcome === 'unsupported' ? UNSUPPORTED_LINK : linkOutcome === 'truncated' ? TRUNCATED : NOT_IP;
    }
    const ip = this.ip;
    const frameBytes = rec.originalLength - (link.networkOffset - start);
    const ipOutcome = parseIp(link.etherType, b, link.networkOffset, end, frameBytes, ip);
    if (ipOutcome !== 'ok') return ipOutcome === 'truncated' ? TRUNCATED : MALFORMED;
    if (ip.fragmentOffset !== 0) return FRAGMENT;
    const protocol = ip.protocol;
    if (protocol === PROTO_TCP) {
      const tcpOutcome = parseTcp(b, ip.payloadOffset, end, ip.payloadLength, this.tcp);
      return tcpOutcome === 'ok' ? TCP : tcpOutcome === 'truncated' ? TRUNCATED : MALFORMED;
    }
    if ((protocol === PROTO_ICMP && ip.version === 4) || (protocol === PROTO_ICMPV6 && ip.version === 6)) {
      const icmpOutcome = parseIcmpError(ip.version, b, ip.payloadOffset, end, this.icmp);
      return icmpOutcome === 'tcp-quoted' ? ICMP_ERROR : icmpOutcome === 'truncated' ? TRUNCATED : OTHER_IP;
    }
    return OTHER_IP;
  }
}
