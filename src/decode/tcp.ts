import { i32be, u16be } from '../capture/byte-order.js';

/** TCP flag bits as they sit in the 9 low bits of header bytes 12-13 (RFC 9293, RFC 3168). */
export const TCP_FIN = 0x001;
export const TCP_SYN = 0x002;
export const TCP_RST = 0x004;
export const TCP_PSH = 0x008;
export const TCP_ACK = 0x010;
export const TCP_URG = 0x020;
export const TCP_ECE = 0x040;
export const TCP_CWR = 0x080;
/** The experimental ECN-nonce bit (RFC 3540, now historic); Wireshark still shows it. */
export const TCP_NS = 0x100;
/** The three reserved bits before NS; scanners set them, Wireshark shows them in tcp.flags. */
export const TCP_RESERVED = 0xe00;

const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WINDOW_SCALE = 3;
const OPT_SACK_PERMITTED = 4;
const OPT_SACK = 5;
const OPT_TIMESTAMPS = 8;
/** Multipath TCP (RFC 8684 3); its MP_FASTCLOSE subtype aborts the whole connection. */
const OPT_MPTCP = 30;
const MPTCP_FASTCLOSE = 7;
/** A SACK option carries at most four blocks in 40 option bytes. */
export const MAX_SACK_BLOCKS = 4;

export type TcpOutcome = 'ok' | 'truncated' | 'malformed';

/** One TCP header, decoded in place; parse resets every field first. */
export class TcpHeader {
  srcPort = 0;
  dstPort = 0;
  /**
   * Sequence and acknowledgement numbers in int32 form (state/seq.ts explains why);
   * `>>> 0` gives the wire value. Compare them only through state/seq.ts.
   */
  seq = 0;
  ack = 0;
  /** The nine flag bits and the three reserved bits (TCP_* masks), as Wireshark's tcp.flags. */
  flags = 0;
  /** Window field as sent (unscaled). */
  window = 0;
  urgentPointer = 0;
  headerLength = 0;
  /** From the IP length, so snaplen-cut packets still count their bytes. */
  payloadLength = 0;
  /** Payload bytes actually present in the capture, from `payloadOffset` of the frame's buffer. */
  capturedPayload = 0;
  payloadOffset = 0;
  /** -1 when absent. */
  mss = -1;
  /** Window-scale shift count, -1 when absent. */
  windowScale = -1;
  sackPermitted = false;
  sackCount = 0;
  /** Left/right edges, pairs: [l0, r0, l1, r1, ...]. */
  readonly sackBlocks = new Uint32Array(MAX_SACK_BLOCKS * 2);
  hasTimestamps = false;
  tsVal = 0;
  tsEcr = 0;
  /** Carries MPTCP's MP_FASTCLOSE (RFC 8684 3.5): the sender aborts; the peer answers RST. */
  mptcpFastClose = false;
  /** The options did not fit in the captured bytes (snaplen). */
  optionsTruncated = false;
  /** An option's length field was impossible; parsing stopped there. */
  optionsMalformed = false;
}

/**
 * Parses the TCP header at `off`. `segmentLength` is the IP payload length (header plus
 * data, from the IP header), `end` the end of the captured bytes.
 */
export function parseTcp(b: Buffer, off: number, end: number, segmentLength: number, out: TcpHeader): TcpOutcome {
  if (end - off < 20 || segmentLength < 20) return 'truncated';
  const headerLength = (b[off + 12]! >>> 4) * 4;
  if (headerLength < 20 || headerLength > segmentLength) return 'malformed';
  out.srcPort = u16be(b, off);
  out.dstPort = u16be(b, off + 2);
  out.seq = i32be(b, off + 4);
  out.ack = i32be(b, off + 8);
  out.flags = ((b[off + 12]! & 0x0f) << 8) | b[off + 13]!;
  out.window = u16be(b, off + 14);
  out.urgentPointer = u16be(b, off + 18);
  out.headerLength = headerLength;
  out.payloadLength = segmentLength - headerLength;
  out.capturedPayload = Math.max(0, Math.min(out.payloadLength, end - off - headerLength));
  out.payloadOffset = off + headerLength;
  parseOptions(b, off + 20, off + headerLength, end, out);
  return 'ok';
}

function parseOptions(b: Buffer, start: number, headerEnd: number, captureEnd: number, out: TcpHeader): void {
  out.mss = -1;
  out.windowScale = -1;
  out.sackPermitted = false;
  out.sackCount = 0;
  out.hasTimestamps = false;
  out.tsVal = 0;
  out.tsEcr = 0;
  out.mptcpFastClose = false;
  out.optionsMalformed = false;
  out.optionsTruncated = captureEnd < headerEnd;
  const end = Math.min(headerEnd, captureEnd);
  let p = start;
  while (p < end) {
    const kind = b[p]!;
    if (kind === OPT_EOL) return;
    if (kind === OPT_NOP) {
      p++;
      continue;
    }
    if (p + 1 >= end) {
      out.optionsTruncated ||= end < headerEnd;
      out.optionsMalformed ||= end === headerEnd;
      return;
    }
    const length = b[p + 1]!;
    if (length < 2 || p + length > headerEnd) {
      out.optionsMalformed = true;
      return;
    }
    if (p + length > end) return; // cut by the snaplen: flagged above
    switch (kind) {
      case OPT_MSS:
        if (length === 4) out.mss = u16be(b, p + 2);
        break;
      case OPT_WINDOW_SCALE:
        if (length === 3) out.windowScale = b[p + 2]!;
        break;
      case OPT_SACK_PERMITTED:
        out.sackPermitted = length === 2;
        break;
      case OPT_SACK: {
        const blocks = Math.min(MAX_SACK_BLOCKS, (length - 2) >>> 3);
        for (let i = 0; i < blocks; i++) {
          out.sackBlocks[2 * i] = i32be(b, p + 2 + 8 * i) >>> 0;
          out.sackBlocks[2 * i + 1] = i32be(b, p + 6 + 8 * i) >>> 0;
        }
        out.sackCount = blocks;
        break;
      }
      case OPT_TIMESTAMPS:
        if (length === 10) {
          out.hasTimestamps = true;
          out.tsVal = i32be(b, p + 2) >>> 0;
          out.tsEcr = i32be(b, p + 6) >>> 0;
        }
        break;
      case OPT_MPTCP:
        if (length >= 3 && b[p + 2]! >>> 4 === MPTCP_FASTCLOSE) out.mptcpFastClose = true;
        break;
      default:
        break; // other options (TFO cookie, ...) are skipped by their length
    }
    p += length;
  }
}
