import { hash } from 'node:crypto';
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
  const order = compare(version, a, b);
  const swap = order > 0 || (order === 0 && portA > portB);
  const data = version === 4 ? V4 : V6;
  const size = version === 4 ? 4 : 16;
  data.writeUInt16BE(seed, 0);
  writeAddress(data, 2, version, swap ? b : a);
  writeAddress(data, 2 + size, version, swap ? a : b);
  const p = 2 + size * 2;
  data[p] = PROTO_TCP;
  data[p + 1] = 0;
  data.writeUInt16BE(swap ? portB : portA, p + 2);
  data.writeUInt16BE(swap ? portA : portB, p + 4);
  // crypto.hash: one call, no Hash object made per connection.
  return `1:${hash('sha1', data, 'base64')}`;
}

/** The hashed bytes, rewritten for each connection: seed, two addresses, protocol, zero, two ports. */
const V4 = Buffer.alloc(2 + 4 * 2 + 6);
const V6 = Buffer.alloc(2 + 16 * 2 + 6);

/** Addresses as the spec orders them: bytewise, in network order (words compare as unsigned). */
function compare(version: 4 | 6, a: AddressWords, b: AddressWords): number {
  for (let i = version === 4 ? 3 : 0; i < 4; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return 0;
}

function writeAddress(out: Buffer, at: number, version: 4 | 6, words: AddressWords): void {
  if (version === 4) out.writeUInt32BE(words[3]!, at);
  else for (let i = 0; i < 4; i++) out.writeUInt32BE(words[i]!, at + i * 4);
}
