import { i32be, u16be } from '../capture/byte-order.js';
import { ETHERTYPE_IPV4, ETHERTYPE_IPV6 } from './link.js';
import { IpHeader, parseIp, PROTO_TCP } from './ip.js';

/**
 * ICMPv4 (RFC 792) and ICMPv6 (RFC 4443) error messages: each quotes the offending
 * packet. Unreachable and time-exceeded can end a connection; packet-too-big (and
 * IPv4 unreachable code 4) explain path-MTU black holes; the rest are kept for evidence.
 */
export const ICMP_DEST_UNREACHABLE = 3;
const ICMP_SOURCE_QUENCH = 4;
const ICMP_REDIRECT = 5;
export const ICMP_TIME_EXCEEDED = 11;
const ICMP_PARAMETER_PROBLEM = 12;
export const ICMPV6_DEST_UNREACHABLE = 1;
export const ICMPV6_PACKET_TOO_BIG = 2;
export const ICMPV6_TIME_EXCEEDED = 3;
const ICMPV6_PARAMETER_PROBLEM = 4;

/** Destination unreachable, in either version: the errors that can end a connection attempt. */
export function isDestUnreachable(version: 4 | 6, type: number): boolean {
  return version === 4 ? type === ICMP_DEST_UNREACHABLE : type === ICMPV6_DEST_UNREACHABLE;
}

function isIcmpError(version: 4 | 6, type: number): boolean {
  if (version === 4) {
    return type === ICMP_DEST_UNREACHABLE || type === ICMP_SOURCE_QUENCH || type === ICMP_REDIRECT || type === ICMP_TIME_EXCEEDED || type === ICMP_PARAMETER_PROBLEM;
  }
  return type === ICMPV6_DEST_UNREACHABLE || type === ICMPV6_PACKET_TOO_BIG || type === ICMPV6_TIME_EXCEEDED || type === ICMPV6_PARAMETER_PROBLEM;
}

export type IcmpOutcome = 'tcp-quoted' | 'other' | 'truncated';

/**
 * An ICMP error quoting a TCP segment: the quoted IP header and the first 8 bytes of
 * TCP (ports and sequence number), enough to find the connection it belongs to.
 */
export class IcmpError {
  version: 4 | 6 = 4;
  type = 0;
  code = 0;
  /** The quoted (offending) packet's IP header: src is our side that sent it. */
  readonly quoted = new IpHeader();
  quotedSrcPort = 0;
  quotedDstPort = 0;
  quotedSeq = 0;
  /** Bytes of the quoted TCP header present (8 from most routers, all of it from Linux). */
  quotedTcpBytes = 0;
}

/** Parses an ICMP message at `off` (the ICMP header); only errors quoting TCP matter. */
export function parseIcmpError(version: 4 | 6, b: Buffer, off: number, end: number, out: IcmpError): IcmpOutcome {
  if (end - off < 8) return 'truncated';
  const type = b[off]!;
  if (!isIcmpError(version, type)) return 'other';
  out.version = version;
  out.type = type;
  out.code = b[off + 1]!;
  // Type, code, checksum and 4 bytes (unused, MTU, pointer or gateway) precede the quote.
  const quotedAt = off + 8;
  const quoted = out.quoted;
  const outcome = parseIp(version === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6, b, quotedAt, end, end - quotedAt, quoted);
  if (outcome !== 'ok') return outcome === 'truncated' ? 'truncated' : 'other';
  if (quoted.protocol !== PROTO_TCP || quoted.fragmentOffset !== 0) return 'other';
  const t = quoted.payloadOffset;
  if (end - t < 8) return 'truncated';
  out.quotedSrcPort = u16be(b, t);
  out.quotedDstPort = u16be(b, t + 2);
  out.quotedSeq = i32be(b, t + 4) >>> 0;
  out.quotedTcpBytes = Math.min(end - t, 60);
  return 'tcp-quoted';
}
