import { i32be, i32le, u16be, u16le } from '../capture/byte-order.js';

/**
 * Link layers down to the network header. `locateNetwork` finds where the IP header
 * starts in a frame and which protocol it is, as an EtherType (0x0800 IPv4, 0x86dd
 * IPv6), writing both into the reused LinkResult.
 */
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100; // 802.1Q
const ETHERTYPE_QINQ = 0x88a8; // 802.1ad service tag
const ETHERTYPE_QINQ_OLD = 0x9100; // pre-standard QinQ, still seen on switches
const ETHERTYPE_PPPOE_SESSION = 0x8864;
const ETHERTYPE_MPLS = 0x8847;
const ETHERTYPE_MPLS_MULTICAST = 0x8848;
const ETHERTYPE_PBB = 0x88e7; // 802.1ah backbone service instance tag (I-tag)
const ETHERTYPE_VNTAG = 0x8926;
/** An EtherType field this small is an 802.3 length: an LLC header follows. */
const MAX_8023_LENGTH = 1500;

export const LINKTYPE = {
  NULL: 0,
  ETHERNET: 1,
  PPP: 9,
  FDDI: 10,
  RAW_OPENBSD: 12, // LINKTYPE_RAW as some BSDs number DLT_RAW
  RAW_BSDOS: 14,
  PPP_HDLC: 50,
  PPP_ETHER: 51, // PPPoE without the Ethernet header
  RAW: 101,
  IEEE802_11: 105,
  LOOP: 108,
  C_HDLC: 104,
  LINUX_SLL: 113,
  IEEE802_11_RADIOTAP: 127,
  ARCNET_LINUX: 129,
  PPI: 192,
  IPV4: 228,
  IPV6: 229,
  NFLOG: 239,
  IPOIB: 242,
  LINUX_SLL2: 276,
} as const;

export type LinkOutcome = 'ip' | 'not-ip' | 'truncated' | 'unsupported';

export interface LinkResult {
  /** Absolute offset of the network header in the buffer. */
  networkOffset: number;
  /** EtherType of the network layer. */
  etherType: number;
}

/** At most this many VLAN/MPLS headers are peeled, so a hostile frame cannot loop. */
const MAX_SHIMS = 16;

export function locateNetwork(linkType: number, b: Buffer, off: number, end: number, out: LinkResult): LinkOutcome {
  switch (linkType) {
    case LINKTYPE.ETHERNET:
      return ethernet(b, off, end, out);
    case LINKTYPE.C_HDLC:
      // Cisco HDLC: address, control, then an EtherType.
      if (end - off < 4) return 'truncated';
      return etherPayload(u16be(b, off + 2), b, off + 4, end, out);
    case LINKTYPE.NFLOG:
      return nflog(b, off, end, out);
    case LINKTYPE.LINUX_SLL:
      // packet type, ARPHRD type, address length, 8 address bytes, protocol.
      if (end - off < 16) return 'truncated';
      return etherPayload(u16be(b, off + 14), b, off + 16, end, out);
    case LINKTYPE.LINUX_SLL2:
      // protocol, reserved, interface index, ARPHRD type, packet type, address length, address.
      if (end - off < 20) return 'truncated';
      return etherPayload(u16be(b, off), b, off + 20, end, out);
    case LINKTYPE.NULL:
    case LINKTYPE.LOOP:
      return loopback(linkType, b, off, end, out);
    case LINKTYPE.RAW:
    case LINKTYPE.RAW_OPENBSD:
    case LINKTYPE.RAW_BSDOS:
      return byVersionNibble(b, off, end, out);
    case LINKTYPE.IPV4:
      return found(ETHERTYPE_IPV4, off, out);
    case LINKTYPE.IPV6:
      return found(ETHERTYPE_IPV6, off, out);
    case LINKTYPE.PPP:
    case LINKTYPE.PPP_HDLC:
      return ppp(b, off, end, out);
    case LINKTYPE.PPP_ETHER:
      if (end - off < 6) return 'truncated';
      return ppp(b, off + 6, end, out);
    case LINKTYPE.FDDI:
      // Frame control, destination and source addresses (13 bytes), then 802.2 LLC.
      return llcSnap(b, off + 13, end, out);
    case LINKTYPE.IPOIB:
      // RFC 4391 as libpcap writes it: a 40-byte address pseudo-header, EtherType, reserved.
      if (end - off < 44) return 'truncated';
      return etherPayload(u16be(b, off + 40), b, off + 44, end, out);
    case LINKTYPE.ARCNET_LINUX:
      return arcnet(b, off, end, out);
    case LINKTYPE.IEEE802_11:
      return wifi(b, off, end, out);
    case LINKTYPE.IEEE802_11_RADIOTAP:
      // Radiotap: version, pad, then its own little-endian length.
      if (end - off < 4) return 'truncated';
      return wifi(b, off + u16le(b, off + 2), end, out);
    case LINKTYPE.PPI: {
      // Per-Packet Information: version, flags, little-endian length, inner link type.
      if (end - off < 8) return 'truncated';
      const inner = i32le(b, off + 4);
      const payload = off + u16le(b, off + 2);
      if (inner === LINKTYPE.IEEE802_11) return wifi(b, payload, end, out);
      if (inner === LINKTYPE.ETHERNET) return locateNetwork(inner, b, payload, end, out);
      return 'unsupported';
    }
    default:
      return 'unsupported';
  }
}

/**
 * Linux ARCNET: source, destination, 2-byte offset, protocol id. RFC 1051 IP (240)
 * follows at once; RFC 1201 IP (212) and IPv6 (196) carry a split flag and a 2-byte
 * sequence first, and an exception packet (flag 0xff) repeats those 4 bytes.
 */
function arcnet(b: Buffer, off: number, end: number, out: LinkResult): LinkOutcome {
  if (end - off < 5) return 'truncated';
  const protocol = b[off + 4]!;
  if (protocol === 240) return found(ETHERTYPE_IPV4, off + 5, out);
  if (protocol !== 212 && protocol !== 196) return 'not-ip';
  if (end - off < 8) return 'truncated';
  const payload = b[off + 5] === 0xff ? off + 12 : off + 8;
  return found(protocol === 212 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6, payload, out);
}

/** 802.2 LLC with a SNAP header (AA AA 03, OUI, EtherType), as FDDI and 802.11 carry IP. */
function llcSnap(b: Buffer, off: number, end: number, out: LinkResult): LinkOutcome {
  if (end - off < 8) return 'truncated';
  if (b[off] !== 0xaa || b[off + 1] !== 0xaa || b[off + 2] !== 0x03) return 'not-ip';
  return etherPayload(u16be(b, off + 6), b, off + 8, end, out);
}

/**
 * An 802.11 MAC frame: only unprotected data frames carry readable IP. The header is
 * 24 bytes, plus a fourth address when both DS bits are set, a QoS field for QoS
 * subtypes, and an HT control field when a QoS frame sets the Order bit.
 */
function wifi(b: Buffer, off: number, end: number, out: LinkResult): LinkOutcome {
  if (end - off < 24) return 'truncated';
  const control = b[off]!;
  const flags = b[off + 1]!;
  const type = (control >>> 2) & 3;
  const subtype = control >>> 4;
  const DATA = 2;
  const PROTECTED = 0x40;
  const NO_DATA = 0x4; // null-function subtypes carry no payload
  if (type !== DATA || (subtype & NO_DATA) !== 0 || (flags & PROTECTED) !== 0) return 'not-ip';
  let header = 24;
  if ((flags & 3) === 3) header += 6;
  const qos = (subtype & 0x8) !== 0;
  if (qos) header += 2;
  if (qos && (flags & 0x80) !== 0) header += 4;
  return llcSnap(b, off + header, end, out);
}

/** An Ethernet II frame, or an 802.3 one whose LLC/SNAP header carries an EtherType. */
function ethernet(b: Buffer, off: number, end: number, out: LinkResult): LinkOutcome {
  if (end - off < 14) return 'truncated';
  const type = u16be(b, off + 12);
  return type <= MAX_8023_LENGTH ? llcSnap(b, off + 14, end, out) : etherPayload(type, b, off + 14, end, out);
}

/**
 * Linux NFLOG (what `iptables -j NFLOG` logs): address family, version, resource id, then
 * type-length-value attributes, lengths in the host's byte order (little-endian on the
 * machines that write it, as Wireshark assumes), each padded to 4 bytes; the packet is
 * the NFULA_PAYLOAD attribute, an IP packet with no link header.
 */
function nflog(b: Buffer, off: number, end: number, out: LinkResult): LinkOutcome {
  const NFULA_PAYLOAD = 9;
  if (end - off < 4) return 'truncated';
  const family = b[off]!;
  if (family !== 2 && family !== 10) return 'not-ip'; // AF_INET, Linux's AF_INET6
  for (let p = off + 4, n = 0; n < MAX_SHIMS * 4; n++) {
    if (end - p < 4) return 'truncated';
    const length = u16le(b, p);
    if (length < 4) return 'not-ip';
    if (u16le(b, p + 2) === NFULA_PAYLOAD) return found(family === 2 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6, p + 4, out);
    p += (length + 3) & ~3;
  }
  return 'not-ip';
}

function found(etherType: number, offset: number, out: LinkResult): 'ip' {
  out.etherType = etherType;
  out.networkOffset = offset;
  return 'ip';
}

/** Follows an EtherType through VLAN tags, PPPoE and MPLS to IPv4 or IPv6 (also what a GRE or Geneve header names). */
export function etherPayload(type: number, b: Buffer, off: number, end: number, out: LinkResult): LinkOutcome {
  for (let shims = 0; shims < MAX_SHIMS; shims++) {
    switch (type) {
      case ETHERTYPE_IPV4:
      case ETHERTYPE_IPV6:
        return found(type, off, out);
      case ETHERTYPE_VLAN:
      case ETHERTYPE_QINQ:
      case ETHERTYPE_QINQ_OLD:
        // Tag control information, then the next EtherType.
        if (end - off < 4) return 'truncated';
        type = u16be(b, off + 2);
        off += 4;
        break;
      case ETHERTYPE_VNTAG:
        // Cisco VN-Tag: 4 bytes of tag, then the next EtherType.
        if (end - off < 6) return 'truncated';
        type = u16be(b, off + 4);
        off += 6;
        break;
      case ETHERTYPE_PBB:
        // 802.1ah: a 4-byte I-tag, then the customer's whole Ethernet frame.
        if (end - off < 18) return 'truncated';
        type = u16be(b, off + 16);
        off += 18;
        break;
      case ETHERTYPE_PPPOE_SESSION:
        // RFC 2516: version/type, code, session id, length; then the PPP protocol.
        if (end - off < 6) return 'truncated';
        return ppp(b, off + 6, end, out);
      case ETHERTYPE_MPLS:
      case ETHERTYPE_MPLS_MULTICAST: {
        // RFC 3032: labels until the bottom-of-stack bit; the payload carries no type,
        // so its first nibble tells IPv4 from IPv6.
        let bottom = false;
        for (let labels = 0; !bottom; labels++) {
          if (labels === MAX_SHIMS) return 'not-ip';
          if (end - off < 4) return 'truncated';
          bottom = (b[off + 2]! & 1) === 1;
          off += 4;
        }
        return byVersionNibble(b, off, end, out);
      }
      default:
        return 'not-ip';
    }
  }
  return 'not-ip';
}

/** PPP (RFC 1661) with optional HDLC address/control bytes and protocol compression. */
function ppp(b: Buffer, off: number, end: number, out: LinkResult): LinkOutcome {
  if (end - off >= 2 && b[off] === 0xff && b[off + 1] === 0x03) off += 2;
  if (end - off < 1) return 'truncated';
  let protocol: number;
  if ((b[off]! & 1) === 1) {
    protocol = b[off]!;
    off += 1;
  } else {
    if (end - off < 2) return 'truncated';
    protocol = u16be(b, off);
    off += 2;
  }
  if (protocol === 0x0021) return found(ETHERTYPE_IPV4, off, out);
  if (protocol === 0x0057) return found(ETHERTYPE_IPV6, off, out);
  return 'not-ip';
}

/**
 * BSD loopback: a 4-byte address family, in the capturing host's byte order for NULL
 * and in network order for LOOP. AF_INET is 2 everywhere; AF_INET6 differs by BSD:
 * 24 NetBSD/OpenBSD (and Npcap), 28 FreeBSD, 30 macOS. Linux never writes this header,
 * so its AF_INET6 (10, another family on the BSDs) is not one, as in Wireshark.
 */
function loopback(linkType: number, b: Buffer, off: number, end: number, out: LinkResult): LinkOutcome {
  if (end - off < 4) return 'truncated';
  let family = (linkType === LINKTYPE.LOOP ? i32be(b, off) : i32le(b, off)) >>> 0;
  // A NULL header written on a big-endian host reads as a huge little-endian number.
  if (family > 0xffff) family = i32be(b, off) >>> 0;
  switch (family) {
    case 2:
      return found(ETHERTYPE_IPV4, off + 4, out);
    case 24:
    case 28:
    case 30:
      return found(ETHERTYPE_IPV6, off + 4, out);
    default:
      return 'not-ip';
  }
}

function byVersionNibble(b: Buffer, off: number, end: number, out: LinkResult): LinkOutcome {
  if (end - off < 1) return 'truncated';
  const version = b[off]! >>> 4;
  if (version === 4) return found(ETHERTYPE_IPV4, off, out);
  if (version === 6) return found(ETHERTYPE_IPV6, off, out);
  return 'not-ip';
}
