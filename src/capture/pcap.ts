import { BIG_ENDIAN, LITTLE_ENDIAN, type ByteOrder } from './byte-order.js';
import type { ReadContext } from './context.js';

/**
 * Classic libpcap format: a 24-byte file header, then records of a 16-byte header
 * (seconds, fraction, captured length, original length) and the packet bytes.
 * https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html
 */
const FILE_HEADER = 24;
const RECORD_HEADER = 16;

/** Hard ceiling on one packet, as the issue and libpcap's MAXIMUM_SNAPLEN bound it. */
export const MAX_CAPTURED_LENGTH = 256 * 1024 * 1024;
/** Wireshark's WTAP_MAX_PACKET_SIZE_STANDARD: a floor for the per-file limit. */
const STANDARD_MAX_PACKET = 262144;

interface PcapFlavour {
  order: ByteOrder;
  nanoseconds: boolean;
}

/** Recognises the four classic magics, read as a little-endian u32. */
export function pcapFlavour(magicLE: number): PcapFlavour | null {
  switch (magicLE) {
    case 0xa1b2c3d4:
      return { order: LITTLE_ENDIAN, nanoseconds: false };
    case 0xd4c3b2a1:
      return { order: BIG_ENDIAN, nanoseconds: false };
    case 0xa1b23c4d:
      return { order: LITTLE_ENDIAN, nanoseconds: true };
    case 0x4d3cb2a1:
      return { order: BIG_ENDIAN, nanoseconds: true };
    default:
      return null;
  }
}

export async function readPcap(ctx: ReadContext, flavour: PcapFlavour): Promise<void> {
  const w = ctx.window;
  if (!(await w.need(FILE_HEADER))) {
    ctx.fail('bad-header', `pcap file header cut short (${w.available} of ${FILE_HEADER} bytes)`, w.offsetOf(w.start));
  }
  const { order, nanoseconds } = flavour;
  const h = w.start;
  const major = order.u16(w.buf, h + 4);
  const minor = order.u16(w.buf, h + 6);
  // libpcap reads 2.0 through 2.4; 1.x is archaic and anything newer is unknown.
  if (major !== 2 || minor > 4) {
    ctx.fail('unsupported-version', `unsupported pcap version ${major}.${minor}`, w.offsetOf(h + 4));
  }
  const snaplen = order.i32(w.buf, h + 16) >>> 0;
  const linkField = order.i32(w.buf, h + 20) >>> 0;
  // Bits 16-25 of the link-type field are reserved and must be zero (bits 26-31 carry
  // the FCS length); a file with them set is corrupt, as libpcap and Wireshark say.
  if ((linkField & 0x03ff0000) !== 0) {
    ctx.fail('bad-header', `link-type field 0x${linkField.toString(16)} has reserved bits set`, w.offsetOf(h + 20));
  }
  w.start += FILE_HEADER;

  const rec = ctx.record;
  rec.linkType = linkField & 0xffff;
  // Bit 26 says bits 28-31 hold the FCS length, in 16-bit words (libpcap's
  // LT_FCS_LENGTH_PRESENT, LT_FCS_LENGTH).
  rec.fcsLength = (linkField & 0x04000000) !== 0 ? (linkField >>> 28) * 2 : 0;
  rec.interfaceId = 0;
  // A record holds no more than the snapshot length allows (with Wireshark's floor),
  // nor more than the whole file (when its size is known).
  const maxCaptured = Math.min(MAX_CAPTURED_LENGTH, Math.max(snaplen, STANDARD_MAX_PACKET));
  const limit = Math.min(maxCaptured, w.inputSize);
  // Before 2.3 some writers swapped the two length fields; libpcap swaps them back
  // whenever the captured length exceeds the original one.
  const lengthsMaySwap = minor < 3;
  const fractionPerSecond = nanoseconds ? 1e9 : 1e6;
  const nsPerUnit = nanoseconds ? 1 : 1000;

  const capturedAt = (b: Buffer, p: number): number => {
    const a = order.i32(b, p + 8) >>> 0;
    if (!lengthsMaySwap) return a;
    const o = order.i32(b, p + 12) >>> 0;
    return a > o ? o : a;
  };

  for (;;) {
    const buf = w.buf;
    const end = w.end;
    let pos = w.start;
    while (end - pos >= RECORD_HEADER) {
      const captured = capturedAt(buf, pos);
      if (captured > limit) {
        w.start = pos;
        const why = captured > maxCaptured ? `limit ${maxCaptured}` : `more than the whole file of ${w.inputSize}`;
        ctx.fail('bad-record-length', `record claims ${captured} captured bytes (${why})`, w.offsetOf(pos + 8));
      }
      if (end - pos - RECORD_HEADER < captured) break;
      const a = order.i32(buf, pos + 8) >>> 0;
      const o = order.i32(buf, pos + 12) >>> 0;
      let seconds = order.i32(buf, pos) >>> 0;
      let fraction = order.i32(buf, pos + 4) >>> 0;
      if (fraction >= fractionPerSecond) {
        ctx.warnOnce('timestamp', `timestamp fraction ${fraction} is not below ${fractionPerSecond} (carried into seconds)`, w.offsetOf(pos + 4));
        seconds += Math.floor(fraction / fractionPerSecond);
        fraction %= fractionPerSecond;
      }
      rec.tsSec = seconds;
      rec.tsNsec = fraction * nsPerUnit;
      rec.capturedLength = captured;
      rec.originalLength = captured === a ? o : a;
      rec.data = buf;
      rec.offset = pos + RECORD_HEADER;
      rec.fileOffset = w.offsetOf(pos);
      ctx.emit();
      pos += RECORD_HEADER + captured;
    }
    w.start = pos;
    const want = w.available >= RECORD_HEADER ? RECORD_HEADER + capturedAt(w.buf, w.start) : RECORD_HEADER;
    if (!(await w.need(want))) break;
  }
  if (w.available > 0) {
    ctx.cutShort(w.available < RECORD_HEADER ? 'last record header is incomplete' : 'last packet is incomplete');
  }
}
