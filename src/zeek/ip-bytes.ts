import { i32be, u16be } from '../capture/byte-order.js';
import type { PacketDecoder } from '../decode/packet.js';

/**
 * The IP-level facts Zeek takes from the raw headers that the decoder does not keep:
 * the IP total length (conn.log's orig_ip_bytes/resp_ip_bytes add IP_Hdr::TotalLen() per
 * packet: src/analyzer/protocol/conn-size/ConnSize.cc DeliverPacket) and the bytes the
 * IPv4 header and TCP checksums are computed over.
 *
 * The decoder gives the innermost IP header's addresses and where its payload starts, but
 * not where the header itself starts (IPv4 options, IPv6 extension headers). It is found
 * by stepping back from the payload to a header with the right version and addresses;
 * when none is there (a datagram reassembled from fragments, whose bytes start at its
 * payload) the length is rebuilt from the payload length and a minimal header.
 */
export class IpHeaderView {
  /** Offset of the IP header in decoder.data, or -1 (not in the buffer). */
  start = -1;
  /** IP_Hdr::TotalLen(): IPv4 total length field; IPv6 payload length field + 40. */
  totalLength = 0;
  /** The IPv4 header length (bytes), when found. */
  headerLength = 0;

  read(decoder: PacketDecoder): void {
    const ip = decoder.ip;
    const b = decoder.data;
    const payload = ip.payloadOffset;
    this.start = -1;
    if (ip.version === 4) {
      for (let ihl = 5; ihl <= 15; ihl++) {
        const s = payload - 4 * ihl;
        if (s < 0) break;
        if (b[s] === (0x40 | ihl) && i32be(b, s + 12) === (ip.src[3]! | 0) && i32be(b, s + 16) === (ip.dst[3]! | 0)) {
          this.start = s;
          this.headerLength = 4 * ihl;
          this.totalLength = u16be(b, s + 2);
          return;
        }
      }
      this.headerLength = 20;
      this.totalLength = 20 + ip.payloadLength;
      return;
    }
    for (let s = payload - 40; s >= 0 && s >= payload - 1064; s -= 4) {
      if (b[s]! >>> 4 === 6 && sameWords(b, s + 8, ip.src) && sameWords(b, s + 24, ip.dst)) {
        this.start = s;
        this.totalLength = u16be(b, s + 4) + 40;
        return;
      }
    }
    this.totalLength = 40 + ip.payloadLength;
  }
}

function sameWords(b: Buffer, p: number, words: Uint32Array): boolean {
  return i32be(b, p) === (words[0]! | 0) && i32be(b, p + 4) === (words[1]! | 0) && i32be(b, p + 8) === (words[2]! | 0) && i32be(b, p + 12) === (words[3]! | 0);
}
