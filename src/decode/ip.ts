import { i32be, u16be } from '../capture/byte-order.js';
import { newAddress, setIpv4, setIpv6, type AddressWords } from './address.js';
import { ETHERTYPE_IPV4 } from './link.js';

export const PROTO_ICMP = 1;
export const PROTO_IPV4 = 4;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_IPV6 = 41;
export const PROTO_GRE = 47;
export const PROTO_ICMPV6 = 58;

const IPV6_HOP_BY_HOP = 0;
const IPV6_ROUTING = 43;
const IPV6_FRAGMENT = 44;
const IPV6_AUTH = 51;
const IPV6_DEST_OPTIONS = 60;
/** Extension headers that may follow a Fragment header, in the fragmentable part (RFC 8200 4.1). */
export const IPV6_FRAGMENTABLE_HEADERS = [IPV6_ROUTING, IPV6_AUTH, IPV6_DEST_OPTIONS] as const;
/** Bound on the extension-header walk, so a hostile chain cannot loop for long. */
const MAX_EXTENSION_HEADERS = 16;

export type IpOutcome = 'ok' | 'truncated' | 'malformed';

/** One IP header, decoded in place; every field is rewritten by each parse. */
export class IpHeader {
  version: 4 | 6 = 4;
  readonly src: AddressWords = newAddress();
  readonly dst: AddressWords = newAddress();
  /** Upper-layer protocol after any IPv6 extension headers. */
  protocol = 0;
  /** TTL (IPv4) or hop limit (IPv6): a forged packet often differs from the real sender's. */
  ttl = 0;
  /** IPv4 identification (IPv6: -1): the same datagram captured twice repeats it. */
  id = 0;
  /** Absolute offset of the upper-layer header. */
  payloadOffset = 0;
  /** Upper-layer bytes the IP header says it carries (not what was captured). */
  payloadLength = 0;
  /** Part of a fragmented datagram (first or later fragment). */
  fragmented = false;
  /** Offset of this fragment in bytes; non-zero means the upper-layer header is elsewhere. */
  fragmentOffset = 0;
  /** The MF bit: more fragments of this datagram follow this one. */
  moreFragments = false;
  /** The fragmented datagram's identification (IPv4 id, IPv6 Fragment header's 32 bits). */
  fragmentId = 0;
  /** The IP length field was 0 (TSO/GRO or BIG TCP capture) and the frame length was used. */
  lengthFromFrame = false;
}

/**
 * Parses the IPv4 or IPv6 header at `off`; `end` bounds the captured bytes.
 * `frameBytes` is how many bytes of the original (uncaptured) frame follow `off`, used
 * when a sender offloaded segmentation and wrote 0 in the length field (Wireshark does
 * the same).
 */
export function parseIp(etherType: number, b: Buffer, off: number, end: number, frameBytes: number, out: IpHeader): IpOutcome {
  return etherType === ETHERTYPE_IPV4 ? parseIpv4(b, off, end, frameBytes, out) : parseIpv6(b, off, end, frameBytes, out);
}

function parseIpv4(b: Buffer, off: number, end: number, frameBytes: number, out: IpHeader): IpOutcome {
  if (end - off < 20) return 'truncated';
  const first = b[off]!;
  if (first >>> 4 !== 4) return 'malformed';
  const headerLength = (first & 0x0f) * 4;
  if (headerLength < 20) return 'malformed';
  if (end - off < headerLength) return 'truncated';
  let total = u16be(b, off + 2);
  out.lengthFromFrame = total === 0;
  if (total === 0) total = frameBytes;
  if (total < headerLength) return 'malformed';
  // A datagram cannot be longer than the frame that carried it; some old capture tools
  // recorded the snapshot length as the frame length, and Wireshark trusts the frame.
  if (total > frameBytes && frameBytes >= headerLength) total = frameBytes;
  const fragmentField = u16be(b, off + 6);
  out.version = 4;
  out.ttl = b[off + 8]!;
  out.id = u16be(b, off + 4);
  out.protocol = b[off + 9]!;
  setIpv4(out.src, b, off + 12);
  setIpv4(out.dst, b, off + 16);
  out.fragmentOffset = (fragmentField & 0x1fff) * 8;
  out.moreFragments = (fragmentField & 0x2000) !== 0;
  out.fragmented = out.moreFragments || out.fragmentOffset !== 0;
  out.fragmentId = out.id;
  out.payloadOffset = off + headerLength;
  out.payloadLength = total - headerLength;
  return 'ok';
}

function parseIpv6(b: Buffer, off: number, end: number, frameBytes: number, out: IpHeader): IpOutcome {
  if (end - off < 40) return 'truncated';
  if (b[off]! >>> 4 !== 6) return 'malformed';
  let payload = u16be(b, off + 4);
  out.lengthFromFrame = payload === 0;
  // Zero also marks a jumbogram (RFC 2675); the frame length covers both cases, and
  // bounds a length field larger than the frame (as for IPv4).
  if (payload === 0 || payload > frameBytes - 40) payload = Math.max(0, frameBytes - 40);
  out.version = 6;
  out.ttl = b[off + 7]!;
  out.id = -1;
  setIpv6(out.src, b, off + 8);
  setIpv6(out.dst, b, off + 24);
  out.fragmented = false;
  out.fragmentOffset = 0;
  out.moreFragments = false;
  out.fragmentId = 0;
  return ipv6Headers(b, off + 40, off + 40 + payload, end, b[off + 6]!, out);
}

/**
 * Walks IPv6 extension headers from `p` (the first of type `next`) to the upper layer,
 * within the payload ending at `payloadEnd` and the captured bytes ending at `end`:
 * sets `out`'s protocol and payload (and its fragment fields at a Fragment header).
 * At the Fragment header of a real fragment it stops: the headers after it are in the
 * fragmentable part (RFC 8200 4.5), read once the datagram is reassembled, by calling
 * this again on the reassembled bytes.
 */
export function ipv6Headers(b: Buffer, p: number, payloadEnd: number, end: number, next: number, out: IpHeader): IpOutcome {
  for (let n = 0; n < MAX_EXTENSION_HEADERS; n++) {
    if (next !== IPV6_HOP_BY_HOP && next !== IPV6_ROUTING && next !== IPV6_FRAGMENT && next !== IPV6_AUTH && next !== IPV6_DEST_OPTIONS) break;
    if (end - p < 8) return 'truncated';
    let length: number;
    if (next === IPV6_FRAGMENT) {
      const field = u16be(b, p + 2);
      out.fragmentOffset = field & 0xfff8;
      out.moreFragments = (field & 1) !== 0;
      out.fragmentId = i32be(b, p + 4);
      out.fragmented = true;
      length = 8;
    } else if (next === IPV6_AUTH) {
      length = (b[p + 1]! + 2) * 4; // RFC 4302: in 4-byte units, minus 2
    } else {
      length = (b[p + 1]! + 1) * 8; // RFC 8200: in 8-byte units, not counting the first 8
    }
    next = b[p]!;
    p += length;
    if (p > payloadEnd) return 'malformed';
    if (out.fragmentOffset !== 0 || out.moreFragments) break; // a fragment: the rest is the fragmentable part
  }
  out.protocol = next;
  out.payloadOffset = p;
  out.payloadLength = payloadEnd - p;
  return 'ok';
}
