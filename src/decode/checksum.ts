import type { IpHeader } from './ip.js';
import type { TcpHeader } from './tcp.js';

/**
 * Internet checksums (RFC 1071), for `--checksums`: Wireshark leaves them unchecked by
 * default, Zeek checks them and drops what fails. A capture taken on a sending host
 * holds checksums its NIC had yet to fill in (offload), so checking is a choice.
 */

/** Ones' complement sum of b[from, to), added to `sum` (not folded). */
function sumBytes(b: Buffer, from: number, to: number, sum: number): number {
  let p = from;
  for (; p + 1 < to; p += 2) sum += (b[p]! << 8) | b[p + 1]!;
  if (p < to) sum += b[p]! << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** IPv4 header checksum (RFC 791; Zeek: detail::in_cksum over the header == 0xffff). */
export function ipv4HeaderChecksumOk(b: Buffer, start: number, headerLength: number): boolean {
  return fold(sumBytes(b, start, start + headerLength, 0)) === 0xffff;
}

/**
 * TCP checksum over the pseudo-header and the whole segment (RFC 9293 3.1; Zeek's
 * TCP_Endpoint::ValidChecksum, detail::ip_in_cksum). The caller checks that the whole
 * segment was captured.
 */
export function tcpChecksumOk(ip: IpHeader, tcp: TcpHeader, b: Buffer): boolean {
  const start = tcp.payloadOffset - tcp.headerLength;
  const length = tcp.headerLength + tcp.payloadLength;
  let sum = 0;
  const words = ip.version === 4 ? 1 : 4;
  for (let i = 4 - words; i < 4; i++) {
    const s = ip.src[i]! >>> 0;
    const d = ip.dst[i]! >>> 0;
    sum += (s >>> 16) + (s & 0xffff) + (d >>> 16) + (d & 0xffff);
  }
  sum += 6 + (length >>> 16) + (length & 0xffff);
  sum = sumBytes(b, start, start + length, sum);
  return fold(sum) === 0xffff;
}
