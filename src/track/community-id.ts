import { createHash } from 'node:crypto';
import type { AddressWords } from '../decode/address.js';
import { PROTO_TCP } from '../decode/ip.js';

/**
 * Community ID v1 (github.com/corelight/community-id-spec), the flow hash Zeek,
 * Suricata, Arkime, Wireshark and Elastic write beside their records, so a verdict here
 * joins theirs for the same connection: SHA-1 over the seed (16 bits), the two
 * endpoints in a fixed order (the smaller address first; on equal addresses the smaller
 * port), the protocol and a zero byte, base64, after "1:". Inside a tunnel it hashes
 * the inner endpoints, as Zeek does.
 */
export function communityId(version: 4 | 6, a: AddressWords, portA: number, b: AddressWords, portB: number, seed = 0): string {
  const size = version === 4 ? 4 : 16;
  const swap = compare(version, a, b) > 0 || (compare(version, a, b) === 0 && portA > portB);
  const [first, firstPort, second, secondPort] = swap ? [b, portB, a, portA] : [a, portA, b, portB];
  const data = Buffer.alloc(2 + size * 2 + 6);
  data.writeUInt16BE(seed, 0);
  writeAddress(data, 2, version, first);
  writeAddress(data, 2 + size, version, second);
  const p = 2 + size * 2;
  data[p] = PROTO_TCP;
  data[p + 1] = 0;
  data.writeUInt16BE(firstPort, p + 2);
  data.writeUInt16BE(secondPort, p + 4);
  return `1:${createHash('sha1').update(data).digest('base64')}`;
}

/** Addresses as the spec orders them: bytewise, in network order (words compare as unsigned). */
function compare(version: 4 | 6, a: AddressWords, b: AddressWords): number {
  for (let i = version === 4 ? 3 : 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

function writeAddress(out: Buffer, at: number, version: 4 | 6, words: AddressWords): void {
  if (version === 4) out.writeUInt32BE(words[3]!, at);
  else for (let i = 0; i < 4; i++) out.writeUInt32BE(words[i]!, at + i * 4);
}
