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

/** Frames per outcome, plus which link types were skipped. */
export interface DecodeCounts {
  readonly byOutcome: Record<DecodeOutcome, number>;
  readonly unsupportedLinkTypes: Map<number, number>;
  /** First frame of each problem outcome, for pointing a user at it. */
  firstMalformedFrame: number;
  firstTruncatedFrame: number;
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
  readonly counts: DecodeCounts = {
    byOutcome: { tcp: 0, 'icmp-error': 0, 'other-ip': 0, fragment: 0, 'not-ip': 0, 'unsupported-link': 0, truncated: 0, malformed: 0 },
    unsupportedLinkTypes: new Map(),
    firstMalformedFrame: 0,
    firstTruncatedFrame: 0,
  };
  private readonly link: LinkResult = { networkOffset: 0, etherType: 0 };

  decode(rec: PacketRecord): DecodeOutcome {
    const outcome = this.classify(rec);
    const counts = this.counts;
    counts.byOutcome[outcome]++;
    if (outcome === 'malformed' && counts.firstMalformedFrame === 0) counts.firstMalformedFrame = rec.frame;
    else if (outcome === 'truncated' && counts.firstTruncatedFrame === 0) counts.firstTruncatedFrame = rec.frame;
    else if (outcome === 'unsupported-link') {
      counts.unsupportedLinkTypes.set(rec.linkType, (counts.unsupportedLinkTypes.get(rec.linkType) ?? 0) + 1);
    }
    return outcome;
  }

  private classify(rec: PacketRecord): DecodeOutcome {
    const b = rec.data;
    const start = rec.offset;
    const end = start + rec.capturedLength;
    const link = this.link;
    const linkOutcome = locateNetwork(rec.linkType, b, start, end, link);
    if (linkOutcome !== 'ip') {
      return linkOutcome === 'unsupported' ? 'unsupported-link' : linkOutcome;
    }
    const ip = this.ip;
    const frameBytes = rec.originalLength - (link.networkOffset - start);
    const ipOutcome = parseIp(link.etherType, b, link.networkOffset, end, frameBytes, ip);
    if (ipOutcome !== 'ok') return ipOutcome;
    if (ip.fragmentOffset !== 0) return 'fragment';
    const protocol = ip.protocol;
    if (protocol === PROTO_TCP) {
      const tcpOutcome = parseTcp(b, ip.payloadOffset, end, ip.payloadLength, this.tcp);
      return tcpOutcome === 'ok' ? 'tcp' : tcpOutcome;
    }
    if ((protocol === PROTO_ICMP && ip.version === 4) || (protocol === PROTO_ICMPV6 && ip.version === 6)) {
      const icmpOutcome = parseIcmpError(ip.version, b, ip.payloadOffset, end, this.icmp);
      return icmpOutcome === 'tcp-quoted' ? 'icmp-error' : icmpOutcome === 'truncated' ? 'truncated' : 'other-ip';
    }
    return 'other-ip';
  }
}
