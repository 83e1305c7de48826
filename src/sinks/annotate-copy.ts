import { i32be, i32le, u16be, u16le } from '../capture/byte-order.js';
import { pcapFlavour } from '../capture/pcap.js';
import { BYTE_ORDER_MAGIC, ENHANCED_PACKET, IF_FCSLEN, IF_TSRESOL, OBSOLETE_PACKET, OPT_END, SECTION_HEADER, SHB_USERAPPL, takesFrameNumber } from '../capture/pcapng.js';
import type { ByteWindow } from '../capture/window.js';
import type { CommentQueue } from './annotate.js';
import { BlockWriter, EPB_DROPCOUNT, type ByteSink } from './pcapng-write.js';

/** What a copy did. */
export interface CopyResult {
  frames: number;
  /** Comments written, and the frames that carry them. */
  comments: number;
  commentedFrames: number;
  /** Comments that had no place: their frame is a Simple Packet Block (it has no options) or not a packet. */
  unplaced: number;
}

/** The writer takes a breath when its output is full (LineWriter). */
export interface CopyOutput extends ByteSink {
  readonly blocked: boolean;
  flush(): Promise<void>;
}

/**
 * Copies a capture as pcapng with comments added on the frames named: a pcapng file
 * block by block, every block it does not comment on byte for byte (interfaces,
 * statistics, name resolution, secrets, custom blocks, byte order and time resolution
 * stay as they were, but for the section length, now -1: not given). Custom blocks
 * marked not to be copied (0x40000BAD) are copied all the same: Wireshark numbers them
 * as frames, and leaving them out would move every later frame's number, so the
 * comments would no longer sit where the report's frame numbers say. A classic pcap file as one section with one interface, each
 * record an Enhanced Packet Block with its timestamp in the file's own resolution.
 *
 * The capture was read whole by readCapture before (its errors said there): this walks
 * only the structure, and stops at a last block or record cut short, as the reader did.
 */
export async function copyWithComments(window: ByteWindow, comments: CommentQueue, out: CopyOutput, application: string): Promise<CopyResult> {
  const result: CopyResult = { frames: 0, comments: 0, commentedFrames: 0, unplaced: 0 };
  if (window.available < 4 && !(await window.need(4))) return result;
  const magic = i32le(window.buf, window.start) >>> 0;
  if (magic === SECTION_HEADER) await copyPcapng(window, comments, out, result);
  else await convertPcap(window, comments, out, result, application);
  return result;
}

async function copyPcapng(window: ByteWindow, comments: CommentQueue, out: CopyOutput, result: CopyResult): Promise<void> {
  let littleEndian = true;
  for (;;) {
    if (window.available < 12 && !(await window.need(12))) return;
    let pos = window.start;
    const u32 = (p: number): number => (littleEndian ? i32le(window.buf, p) : i32be(window.buf, p)) >>> 0;
    // The section header's type reads the same in both byte orders; its magic sets the order.
    if (u32(pos) === SECTION_HEADER) littleEndian = (i32le(window.buf, pos + 8) >>> 0) === BYTE_ORDER_MAGIC;
    const type = u32(pos);
    const length = u32(pos + 4);
    // The reader failed on such a length before; a walker must never stand still.
    if (length < 12) return;
    if (window.available < length && !(await window.need(length))) return;
    pos = window.start;
    const block = window.buf.subarray(pos, pos + length);
    let texts: string[] | undefined;
    if (takesFrameNumber(type)) {
      const frame = ++result.frames;
      // Only a frame that reaches the next connection waits for its comments to be read in.
      if (frame >= comments.nextFirst) await comments.loadUpTo(frame);
      texts = comments.take(frame);
    }
    if (type === SECTION_HEADER) out.write(unknownLength(block));
    else if (texts === undefined) out.write(block);
    else if (type === ENHANCED_PACKET || type === OBSOLETE_PACKET) {
      commentPacket(new BlockWriter(littleEndian), type, block, texts, out);
      count(result, texts);
    } else {
      out.write(block);
      result.unplaced += texts.length;
    }
    window.start = pos + length;
    if (out.blocked) await out.flush();
  }
}

/**
 * A section header as it was, but for its section length, which comments make wrong: it
 * becomes -1 (not given), as the format allows (the 64-bit field after the version).
 */
function unknownLength(block: Buffer): Buffer {
  const copy = Buffer.from(block);
  if (copy.length >= 24) copy.fill(0xff, 16, 24);
  return copy;
}

/**
 * A packet block with comments added after its own options. An obsolete Packet Block
 * with comments becomes an Enhanced one (its options have the same codes; its drop count
 * becomes epb_dropcount); the others stay as they were.
 */
function commentPacket(w: BlockWriter, type: number, block: Buffer, texts: readonly string[], out: ByteSink): void {
  const u32 = (p: number): number => (w.littleEndian ? i32le(block, p) : i32be(block, p)) >>> 0;
  const u16 = (p: number): number => (w.littleEndian ? u16le(block, p) : u16be(block, p));
  const captured = u32(20);
  const packet = block.subarray(28, 28 + captured);
  const kept = ownOptions(block, 28 + ((captured + 3) & ~3), block.length - 4, u16);
  const added = texts.map((t) => w.comment(t));
  let interfaceId = u32(8);
  if (type === OBSOLETE_PACKET) {
    interfaceId = u16(8);
    // drops_count 0xffff: not known.
    const drops = u16(10);
    if (drops !== 0xffff) added.unshift(w.option(EPB_DROPCOUNT, w.u64(BigInt(drops))));
  }
  w.writeEnhancedPacket(out, { interfaceId, tsHigh: u32(12), tsLow: u32(16), original: u32(24), packet, kept, added });
}

/** A packet block's options from `start`, without their end marker (and whatever follows it). */
function ownOptions(block: Buffer, start: number, end: number, u16: (p: number) => number): Buffer {
  let p = start;
  while (p + 4 <= end) {
    const code = u16(p);
    const next = p + 4 + ((u16(p + 2) + 3) & ~3);
    if (code === OPT_END || next > end) break;
    p = next;
  }
  return block.subarray(start, p);
}

async function convertPcap(window: ByteWindow, comments: CommentQueue, out: CopyOutput, result: CopyResult, application: string): Promise<void> {
  if (window.available < 24 && !(await window.need(24))) return;
  const flavour = pcapFlavour(i32le(window.buf, window.start) >>> 0)!;
  const le = flavour.order.littleEndian;
  const u32 = (p: number): number => flavour.order.i32(window.buf, p) >>> 0;
  const h = window.start;
  const minor = flavour.order.u16(window.buf, h + 6);
  const snaplen = u32(h + 16);
  const linkField = u32(h + 20);
  const w = new BlockWriter(le);
  const interfaceOptions: Buffer[] = [];
  if (flavour.nanoseconds) interfaceOptions.push(w.option(IF_TSRESOL, Buffer.of(9)));
  // The header's FCS length is in 16-bit words (libpcap's LT_FCS_LENGTH); if_fcslen in
  // octets, as writers give it and readPcapng reads it (fcsBytes).
  if ((linkField & 0x04000000) !== 0) interfaceOptions.push(w.option(IF_FCSLEN, Buffer.of((linkField >>> 28) * 2)));
  out.write(w.sectionHeader([w.option(SHB_USERAPPL, Buffer.from(application, 'utf8'))]));
  out.write(w.interfaceDescription(linkField & 0xffff, snaplen, interfaceOptions));
  window.start += 24;
  const perSecond = BigInt(flavour.nanoseconds ? 1e9 : 1e6);
  const none = Buffer.alloc(0);
  for (;;) {
    if (window.available < 16 && !(await window.need(16))) return;
    const a = u32(window.start + 8);
    const o = u32(window.start + 12);
    // Before 2.3 some writers swapped the two lengths; readPcap swaps them back as libpcap does.
    const captured = minor < 3 && a > o ? o : a;
    const original = captured === a ? o : a;
    if (window.available < 16 + captured && !(await window.need(16 + captured))) return;
    const pos = window.start;
    // The timestamp as written, in the file's unit: a fraction past one second stays as it was.
    const units = BigInt(u32(pos)) * perSecond + BigInt(u32(pos + 4));
    const frame = ++result.frames;
    if (frame >= comments.nextFirst) await comments.loadUpTo(frame);
    const texts = comments.take(frame);
    const added = texts === undefined ? [] : texts.map((t) => w.comment(t));
    if (texts !== undefined) count(result, texts);
    const packet = window.buf.subarray(pos + 16, pos + 16 + captured);
    w.writeEnhancedPacket(out, { interfaceId: 0, tsHigh: Number(units >> 32n), tsLow: Number(units & 0xffffffffn), original, packet, kept: none, added });
    window.start = pos + 16 + captured;
    if (out.blocked) await out.flush();
  }
}

function count(result: CopyResult, texts: readonly string[]): void {
  result.comments += texts.length;
  result.commentedFrames++;
}
