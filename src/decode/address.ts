import { i32be } from '../capture/byte-order.js';

/**
 * IP addresses are held as four 32-bit words so IPv4 and IPv6 share one allocation-free
 * representation: IPv6 as written, IPv4 as the IPv4-mapped address ::ffff:a.b.c.d
 * (RFC 4291 2.5.5.2). The IP version travels beside it, so a genuine v4-mapped IPv6
 * address never passes for IPv4.
 */
export type AddressWords = Uint32Array;

export function newAddress(): AddressWords {
  return new Uint32Array(4);
}

// Stores into a Uint32Array wrap the signed reads to their unsigned values.
/** The same address (compare the IP versions beside it: see above). */
export function sameAddress(a: AddressWords, b: AddressWords): boolean {
  return a[0] === b[0] && a[1] === b[1] && a[2] === b[2] && a[3] === b[3];
}

export function setIpv4(out: AddressWords, b: Buffer, p: number): void {
  out[0] = 0;
  out[1] = 0;
  out[2] = 0xffff;
  out[3] = i32be(b, p);
}

export function setIpv6(out: AddressWords, b: Buffer, p: number): void {
  out[0] = i32be(b, p);
  out[1] = i32be(b, p + 4);
  out[2] = i32be(b, p + 8);
  out[3] = i32be(b, p + 12);
}

/** Dotted quad for version 4; RFC 5952 text (what Wireshark prints) for version 6. */
export function formatAddress(version: 4 | 6, words: ArrayLike<number>): string {
  if (version === 4) {
    const v = words[3]!;
    return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
  }
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) groups.push(words[i]! >>> 16, words[i]! & 0xffff);
  // RFC 5952 4.2: shorten the longest run (first if tied) of two or more zero groups.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (gs: number[]): string => gs.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}
