import { BIG_ENDIAN, LITTLE_ENDIAN, i64, type ByteOrder } from './byte-order.js';
import type { ReadContext } from './context.js';
import { MAX_CAPTURED_LENGTH } from './pcap.js';
import { MICROSECONDS, parseTsResolution, unitsToTime, type TsResolution } from './timestamp.js';

/**
 * pcapng (draft-ietf-opsawg-pcapng): a sequence of blocks `type, total length, body,
 * total length`. A Section Header Block starts each section and fixes its byte order;
 * Interface Description Blocks number the interfaces of that section.
 */
export const SECTION_HEADER = 0x0a0d0d0a;
export const INTERFACE_DESCRIPTION = 0x00000001;
export const OBSOLETE_PACKET = 0x00000002;
export const SIMPLE_PACKET = 0x00000003;
const INTERFACE_STATISTICS = 0x00000005;
export const ENHANCED_PACKET = 0x00000006;
const SYSTEMD_JOURNAL_EXPORT = 0x00000009;
const CUSTOM_COPY = 0x00000bad;
const CUSTOM_NO_COPY = 0x40000bad;

/**
 * Blocks that take a frame number: the packet blocks, and those Wireshark shows as
 * frames of their own (readPcapng numbers them so; a copier of blocks counts alike).
 */
export function takesFrameNumber(type: number): boolean {
  switch (type) {
    case ENHANCED_PACKET:
    case SIMPLE_PACKET:
    case OBSOLETE_PACKET:
    case CUSTOM_COPY:
    case CUSTOM_NO_COPY:
    case SYSTEMD_JOURNAL_EXPORT:
      return true;
    default:
      return false;
  }
}

export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const MIN_BLOCK = 12;
/** A packet block may hold one maximal packet plus its fixed fields and options. */
const MAX_BLOCK = MAX_CAPTURED_LENGTH + 64 * 1024;

export const OPT_END = 0;
export const SHB_USERAPPL = 4;
export const IF_TSRESOL = 9;
export const IF_FCSLEN = 13;
const IF_TSOFFSET = 14;
const ISB_ENDTIME = 3;

interface Interface {
  linkType: number;
  snaplen: number;
  resolution: TsResolution;
  offsetSeconds: number;
  /** Bytes of FCS ending each frame (if_fcslen), 0 when not said. */
  fcsLength: number;
}

interface Section {
  order: ByteOrder;
  interfaces: Interface[];
}

export async function readPcapng(ctx: ReadContext): Promise<void> {
  const w = ctx.window;
  const rec = ctx.record;
  let section: Section | null = null;
  for (;;) {
    if (w.available < MIN_BLOCK && !(await w.need(MIN_BLOCK))) {
      if (w.available > 0) ctx.cutShort('last block header is incomplete');
      return;
    }
    let pos = w.start;
    const type = (section?.order ?? LITTLE_ENDIAN).i32(w.buf, pos) >>> 0;
    if (type === SECTION_HEADER) section = startSection(ctx, pos);
    if (section === null) return ctx.fail('bad-header', 'pcapng file does not start with a section header', w.offsetOf(pos));
    const order = section.order;
    const length = order.i32(w.buf, pos + 4) >>> 0;
    if (length < MIN_BLOCK || length % 4 !== 0 || length > MAX_BLOCK) {
      ctx.fail('bad-block-length', `block of type 0x${type.toString(16)} has invalid length ${length}`, w.offsetOf(pos + 4));
    }
    if (length > w.inputSize) {
      ctx.fail('bad-block-length', `block of type 0x${type.toString(16)} claims ${length} bytes, more than the whole file of ${w.inputSize}`, w.offsetOf(pos + 4));
    }
    if (w.available < length) {
      if (!(await w.need(length))) {
        ctx.cutShort(`last block (type 0x${type.toString(16)}, ${length} bytes) is incomplete`);
        return;
      }
      pos = w.start;
    }
    const buf = w.buf;
    const trailer = order.i32(buf, pos + length - 4) >>> 0;
    if (trailer !== length) {
      ctx.fail('bad-block-length', `block length ${length} in header but ${trailer} in trailer`, w.offsetOf(pos + length - 4));
    }
    switch (type) {
      case SECTION_HEADER:
        readSectionOptions(ctx, section, pos, length);
        break;
      case INTERFACE_DESCRIPTION:
        section.interfaces.push(readInterface(ctx, order, pos, length));
        break;
      case ENHANCED_PACKET: {
        const iface = interfaceOf(ctx, section, order.i32(buf, pos + 8) >>> 0, pos + 8);
        const captured = order.i32(buf, pos + 20) >>> 0;
        if (captured > length - 32) {
          ctx.fail('bad-block-length', `packet block claims ${captured} captured bytes in a ${length}-byte block`, w.offsetOf(pos + 20));
        }
        setPacket(ctx, iface, order.i32(buf, pos + 12), order.i32(buf, pos + 16), captured, order.i32(buf, pos + 24) >>> 0, pos + 28);
        rec.interfaceId = order.i32(buf, pos + 8) >>> 0;
        rec.fileOffset = w.offsetOf(pos);
        ctx.emit();
        break;
      }
      case SIMPLE_PACKET: {
        // No interface field (it is interface 0) and no timestamp.
        const iface = interfaceOf(ctx, section, 0, pos);
        const original = order.i32(buf, pos + 8) >>> 0;
        let captured = Math.min(original, length - 16);
        if (iface.snaplen > 0) captured = Math.min(captured, iface.snaplen);
        setPacket(ctx, iface, 0, 0, captured, original, pos + 12);
        rec.tsSec = 0;
        rec.tsNsec = 0;
        rec.hasTimestamp = false;
        rec.interfaceId = 0;
        rec.fileOffset = w.offsetOf(pos);
        ctx.emit();
        break;
      }
      case OBSOLETE_PACKET: {
        const id = order.u16(buf, pos + 8);
        const iface = interfaceOf(ctx, section, id, pos + 8);
        const captured = order.i32(buf, pos + 20) >>> 0;
        if (captured > length - 32) {
          ctx.fail('bad-block-length', `packet block claims ${captured} captured bytes in a ${length}-byte block`, w.offsetOf(pos + 20));
        }
        setPacket(ctx, iface, order.i32(buf, pos + 12), order.i32(buf, pos + 16), captured, order.i32(buf, pos + 24) >>> 0, pos + 28);
        rec.interfaceId = id;
        rec.fileOffset = w.offsetOf(pos);
        ctx.emit();
        break;
      }
      case INTERFACE_STATISTICS:
        readStatistics(ctx, section, pos, length);
        break;
      case CUSTOM_COPY:
      case CUSTOM_NO_COPY:
      case SYSTEMD_JOURNAL_EXPORT:
        // Wireshark shows these as frames of their own, so they take a frame number
        // (our numbers must match Wireshark's) but are not packets.
        ctx.skipFrame();
        break;
      default:
        // Name resolution, decryption secrets, journal, custom and unknown blocks carry
        // nothing about TCP: skipped by their length, as the format intends.
        break;
    }
    w.start = pos + length;
  }
}

/** Fills the record for a packet block; `hi`/`lo` are the timestamp words as read (signed). */
function setPacket(ctx: ReadContext, iface: Interface, hi: number, lo: number, captured: number, original: number, data: number): void {
  const rec = ctx.record;
  unitsToTime(hi, lo, iface.resolution, iface.offsetSeconds, rec);
  rec.hasTimestamp = true;
  rec.capturedLength = captured;
  rec.originalLength = original;
  rec.linkType = iface.linkType;
  rec.fcsLength = iface.fcsLength;
  rec.data = ctx.window.buf;
  rec.offset = data;
}

/**
 * if_fcslen is "in bits" by the draft, whose own example is 4, and writers give
 * octets (4 for Ethernet's CRC-32): a value of 8 or less is octets, 16 or 32 bits.
 * (The per-packet epb_flags FCS field is not read: it would cost an options walk
 * per packet, and no writer we know sets it without if_fcslen.)
 */
function fcsBytes(value: number): number {
  return value <= 8 ? value : value === 16 || value === 32 ? value / 8 : 0;
}

function interfaceOf(ctx: ReadContext, section: Section, id: number, at: number): Interface {
  const iface = section.interfaces[id];
  if (iface === undefined) {
    const known = section.interfaces.length;
    ctx.fail('bad-interface', `packet block names interface ${id} but the section describes ${known}`, ctx.window.offsetOf(at));
  }
  return iface;
}

/** Decides the section's byte order from its magic and checks its version. */
function startSection(ctx: ReadContext, pos: number): Section {
  const w = ctx.window;
  const magic = LITTLE_ENDIAN.i32(w.buf, pos + 8) >>> 0;
  let order: ByteOrder;
  if (magic === BYTE_ORDER_MAGIC) order = LITTLE_ENDIAN;
  else if (magic === 0x4d3c2b1a) order = BIG_ENDIAN;
  else return ctx.fail('bad-header', `section header byte-order magic 0x${magic.toString(16)} is not 1a2b3c4d`, w.offsetOf(pos + 8));
  return { order, interfaces: [] };
}

function readSectionOptions(ctx: ReadContext, section: Section, pos: number, length: number): void {
  const w = ctx.window;
  if (length < 28) ctx.fail('bad-block-length', `section header of ${length} bytes is too short`, w.offsetOf(pos + 4));
  const major = section.order.u16(w.buf, pos + 12);
  const minor = section.order.u16(w.buf, pos + 14);
  // Version 1.0 is the format; libpcap also accepts 1.2, written by some old tools.
  if (major !== 1 || (minor !== 0 && minor !== 2)) {
    ctx.fail('unsupported-version', `unsupported pcapng section version ${major}.${minor}`, w.offsetOf(pos + 12));
  }
  forEachOption(ctx, section.order, pos + 24, pos + length - 4, (code, at, len) => {
    if (code === SHB_USERAPPL) ctx.writer = w.buf.toString('utf8', at, at + len).replace(/\0+$/, '');
  });
}

function readInterface(ctx: ReadContext, order: ByteOrder, pos: number, length: number): Interface {
  const w = ctx.window;
  if (length < 20) ctx.fail('bad-block-length', `interface description of ${length} bytes is too short`, w.offsetOf(pos + 4));
  const iface: Interface = {
    linkType: order.u16(w.buf, pos + 8),
    snaplen: order.i32(w.buf, pos + 12) >>> 0,
    resolution: MICROSECONDS,
    offsetSeconds: 0,
    fcsLength: 0,
  };
  forEachOption(ctx, order, pos + 16, pos + length - 4, (code, at, len) => {
    if (code === IF_TSRESOL && len >= 1) iface.resolution = parseTsResolution(w.buf[at]!);
    else if (code === IF_TSOFFSET && len >= 8) iface.offsetSeconds = i64(order, w.buf, at);
    else if (code === IF_FCSLEN && len >= 1) iface.fcsLength = fcsBytes(w.buf[at]!);
  });
  return iface;
}

function readStatistics(ctx: ReadContext, section: Section, pos: number, length: number): void {
  const w = ctx.window;
  if (length < 24) ctx.fail('bad-block-length', `interface statistics of ${length} bytes is too short`, w.offsetOf(pos + 4));
  // Fixed part: interface id and a 64-bit timestamp; options follow at byte 20.
  const order = section.order;
  const id = order.i32(w.buf, pos + 8) >>> 0;
  const iface = interfaceOf(ctx, section, id, pos + 8);
  forEachOption(ctx, order, pos + 20, pos + length - 4, (code, at, len) => {
    if (code !== ISB_ENDTIME || len < 8) return;
    const end = { interfaceId: id, tsSec: 0, tsNsec: 0, afterFrame: ctx.frames };
    unitsToTime(order.i32(w.buf, at), order.i32(w.buf, at + 4), iface.resolution, iface.offsetSeconds, end);
    ctx.statisticsEnds.push(end);
  });
}

/** Walks `code, length, value (padded to 4)` options up to `end`, bounds-checked. */
function forEachOption(ctx: ReadContext, order: ByteOrder, start: number, end: number, visit: (code: number, at: number, len: number) => void): void {
  const buf = ctx.window.buf;
  let p = start;
  while (p + 4 <= end) {
    const code = order.u16(buf, p);
    const len = order.u16(buf, p + 2);
    if (code === OPT_END) return;
    if (p + 4 + len > end) {
      ctx.fail('bad-block-length', `option ${code} of ${len} bytes overruns its block`, ctx.window.offsetOf(p + 2));
    }
    visit(code, p + 4, len);
    p += 4 + ((len + 3) & ~3);
  }
}
