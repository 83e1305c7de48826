import { formatAddress } from '../decode/address.js';

/**
 * An address as Zeek writes it (IPAddr::AsString, i.e. inet_ntop): dotted quad for IPv4;
 * for IPv6 the RFC 5952 text formatAddress gives, except that an IPv6 address whose first
 * 96 bits are zero (IPv4-compatible) or are ::ffff (IPv4-mapped) ends in a dotted quad, as
 * glibc's inet_ntop6 writes it ("::ffff:1.2.3.4", "::1.2.3.4"; not "::" or "::1").
 */
export function zeekAddress(version: 4 | 6, words: Uint32Array): string {
  if (version === 6 && words[0] === 0 && words[1] === 0) {
    const w2 = words[2]!;
    const w3 = words[3]! >>> 0;
    const mapped = w2 === 0xffff;
    // inet_ntop6: the zero run must be groups 0-5 (best.len 6), or 0-4 then ffff.
    const compatible = w2 === 0 && w3 >>> 16 !== 0;
    if (mapped || compatible) return `::${mapped ? 'ffff:' : ''}${w3 >>> 24}.${(w3 >>> 16) & 255}.${(w3 >>> 8) & 255}.${w3 & 255}`;
  }
  return formatAddress(version, words);
}
