/**
 * An address or a network (CIDR) to pick connections by, written as people copy them:
 * IPv4 dotted, IPv6 in any RFC 4291 2.2 spelling (upper case, leading zeros, `::`
 * anywhere, a dotted IPv4 tail), in brackets as in a URL or endpoint (RFC 3986 3.2.2),
 * with a zone (`%eth0`, RFC 4007 11) that names an interface, not an address, so it is
 * ignored.
 */
export interface HostPattern {
  version: 4 | 6;
  /** The address as eight 16-bit groups (IPv4 in the last two). */
  groups: number[];
  /** Leading bits that must match: the whole address unless a prefix length was given. */
  bits: number;
}

export class HostPatternError extends Error {}

/** Parses `text` ("198.18.1.0/24", "[FD00:7D::1:2]", "fd00:7d::/64"), or throws HostPatternError. */
export function parseHostPattern(text: string): HostPattern {
  const [address = '', length, extra] = text.trim().split('/');
  const ip = parseIp(address);
  const max = ip === null ? 0 : ip.version === 4 ? 32 : 128;
  const bits = length === undefined ? max : /^\d{1,3}$/.test(length) ? Number(length) : NaN;
  if (ip === null || extra !== undefined || !(bits >= 0 && bits <= max)) {
    throw new HostPatternError(`"${text}" is not an IPv4 or IPv6 address or network (198.18.1.2, fd00:7d::1:2, 198.18.1.0/24, fd00:7d::/64)`);
  }
  return { version: ip.version, groups: ip.groups, bits: ip.version === 4 ? 96 + bits : bits };
}

/** Whether the address `ip` (as a report writes it) lies in `pattern`. */
export function hostMatches(pattern: HostPattern, ip: string): boolean {
  const address = parseIp(ip);
  if (address === null || address.version !== pattern.version) return false;
  for (let bit = 0; bit < pattern.bits; bit += 16) {
    const take = Math.min(16, pattern.bits - bit);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if ((address.groups[bit / 16]! & mask) !== (pattern.groups[bit / 16]! & mask)) return false;
  }
  return true;
}

function parseIp(text: string): { version: 4 | 6; groups: number[] } | null {
  let t = text.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  t = t.replace(/%.*$/, '');
  const v4 = parseIpv4(t);
  if (v4 !== null) return { version: 4, groups: [0, 0, 0, 0, 0, 0xffff, ...v4] };
  const v6 = parseIpv6(t);
  return v6 === null ? null : { version: 6, groups: v6 };
}

/** A dotted quad as two 16-bit groups. */
function parseIpv4(t: string): number[] | null {
  const parts = t.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  const [a, b, c, d] = parts.map(Number) as [number, number, number, number];
  return [(a << 8) | b, (c << 8) | d];
}

function parseIpv6(t: string): number[] | null {
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string, last: boolean): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const words = part.split(':');
    for (const [i, w] of words.entries()) {
      if (last && i === words.length - 1 && w.includes('.')) {
        const v4 = parseIpv4(w);
        if (v4 === null) return null;
        out.push(...v4);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(w)) out.push(parseInt(w, 16));
      else return null;
    }
    return out;
  };
  const head = groupsOf(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? groupsOf(halves[1]!, true) : [];
  if (head === null || tail === null) return null;
  if (halves.length === 1) return head.length === 8 ? head : null;
  const zeros = 8 - head.length - tail.length;
  return zeros >= 1 ? [...head, ...new Array<number>(zeros).fill(0), ...tail] : null;
}
