/** Names for LINKTYPE_* values, for messages (tcpdump.org/linktypes.html). */
const NAMES: Record<number, string> = {
  0: 'BSD loopback (NULL)',
  1: 'Ethernet',
  9: 'PPP',
  10: 'FDDI',
  12: 'raw IP',
  14: 'raw IP',
  50: 'PPP in HDLC framing',
  51: 'PPPoE',
  101: 'raw IP',
  104: 'Cisco HDLC',
  105: 'IEEE 802.11',
  108: 'OpenBSD loopback',
  113: 'Linux cooked (SLL)',
  119: 'Prism 802.11',
  127: '802.11 radiotap',
  129: 'ARCNET (Linux)',
  192: 'PPI',
  228: 'raw IPv4',
  229: 'raw IPv6',
  239: 'Linux NFLOG',
  242: 'IP over InfiniBand',
  253: 'Linux netlink',
  276: 'Linux cooked v2 (SLL2)',
};

export function linkTypeName(linkType: number): string {
  return `${NAMES[linkType] ?? 'unknown'} (${linkType})`;
}
