import { newAddress, sameAddress, type AddressWords } from './address.js';
import { PROTO_TCP, type IpHeader } from './ip.js';

/**
 * Datagrams being put together at once. Linux bounds reassembly by memory
 * (net.ipv4.ipfrag_high_thresh); here a slot holds a whole datagram's buffer, so the
 * bound is a count: past it the oldest is given up, as Linux evicts under pressure.
 */
const MAX_DATAGRAMS = 64;
/** A datagram unfinished this long after its first fragment is given up (Linux's net.ipv4.ipfrag_time). */
const TIMEOUT_SECONDS = 30;
/** The most bytes an IP datagram's payload can hold (RFC 791 total length, RFC 8200 payload length). */
const MAX_PAYLOAD = 65535;
/**
 * Holes per datagram (RFC 815). In-order or reversed fragments leave one or two; many
 * means fragments sprayed out of order on purpose (an evasion attempt): given up.
 */
const MAX_HOLES = 16;
/**
 * A completed datagram's key is remembered this long, so a copy of one of its fragments
 * (the same frame captured twice, by a SPAN port or on both sides of a router) is known
 * for one and does not start a datagram that can never complete. Short, because IPv4's
 * 16-bit identification comes round again on a busy pair of hosts.
 */
const REMEMBER_DONE_SECONDS = 1;

/** One datagram being reassembled: its key, its bytes so far, and what is missing. */
class Datagram {
  version: 4 | 6 = 4;
  readonly src: AddressWords = newAddress();
  readonly dst: AddressWords = newAddress();
  id = 0;
  protocol = 0;
  /** The payload as reassembled so far (allocated once per slot, kept for the next). */
  bytes: Buffer | null = null;
  /** RFC 815's hole descriptors: [first, last] byte ranges not yet received. */
  readonly holes = new Int32Array(MAX_HOLES * 2);
  holeCount = 0;
  /** The payload's length, once the fragment without MF has arrived (-1 until then). */
  total = -1;
  /** Where the captured bytes stop (a fragment cut by the snapshot length): MAX_PAYLOAD if none was. */
  capturedEnd = MAX_PAYLOAD;
  firstFrame = 0;
  frames = 0;
  started = 0;
  inUse = false;
  /** When it was completed (see REMEMBER_DONE_SECONDS). */
  doneAt = -Infinity;
}

/**
 * IP fragment reassembly for the decoder, bounded in memory and time: RFC 815's hole
 * list per datagram, keyed as RFC 791 and RFC 8200 say (source, destination,
 * identification, and for IPv4 the protocol). Where fragments overlap, the later one's
 * bytes are kept (Wireshark's default); a retransmitted duplicate fills nothing new. The
 * key does not include the tunnel a fragment came through: two tunnels would need the
 * same inner addresses and identification at the same moment to be mixed.
 */
export class FragmentReassembler {
  private readonly slots: Datagram[] = [];
  /** The datagram the last `add` completed: `bytes` from 0, `total` long. */
  completed: Datagram | null = null;
  /**
   * Fragments of TCP datagrams given up (timed out, evicted, or with too many holes),
   * and the first frame of them. Those of other protocols (a tunnel's UDP, GRE) are not
   * counted: most such datagrams carry no TCP.
   */
  droppedFrames = 0;
  firstDroppedFrame = 0;

  /**
   * Adds the fragment `ip` describes (its payload at ip.payloadOffset, captured up to
   * `end`), seen in `frame` at `time` seconds. True when it completes its datagram,
   * which is then `completed` (and its buffer left alone) until `release`: a tunnel in
   * it may hold fragments of its own.
   */
  add(ip: IpHeader, b: Buffer, end: number, frame: number, time: number): boolean {
    this.expire(time);
    const found = this.find(ip, time);
    // A copy of a fragment of a datagram just completed: nothing more to do with it.
    if (found !== undefined && !found.inUse) return false;
    const d = found ?? this.start(ip, frame, time);
    const first = ip.fragmentOffset;
    const length = ip.payloadLength;
    const last = first + length;
    // Beyond any datagram, or past (or short of) where the last fragment said it ends:
    // inconsistent fragments, which Linux drops with their datagram (ip_frag_queue).
    if (last > MAX_PAYLOAD || (d.total >= 0 && (last > d.total || (!ip.moreFragments && last !== d.total)))) {
      this.drop(d);
      return false;
    }
    d.frames++;
    const captured = Math.max(0, Math.min(length, end - ip.payloadOffset));
    if (captured > 0) b.copy(d.bytes!, first, ip.payloadOffset, ip.payloadOffset + captured);
    if (captured < length) d.capturedEnd = Math.min(d.capturedEnd, first + captured);
    if (!ip.moreFragments) d.total = first + length;
    if (!fill(d, first, first + length - 1, ip.moreFragments)) {
      this.drop(d);
      return false;
    }
    if (d.holeCount !== 0 || d.total < 0) return false;
    d.inUse = false;
    d.doneAt = time;
    this.completed = d;
    return true;
  }

  /** The frame that completed a datagram is decoded: its slot may be used again. */
  release(): void {
    this.completed = null;
  }

  /** Frames held in TCP datagrams still waiting for fragments, and the first of them (0: none). */
  pending(): { frames: number; firstFrame: number } {
    let frames = 0;
    let firstFrame = 0;
    for (const d of this.slots) {
      if (!d.inUse || d.protocol !== PROTO_TCP) continue;
      frames += d.frames;
      if (firstFrame === 0 || d.firstFrame < firstFrame) firstFrame = d.firstFrame;
    }
    return { frames, firstFrame };
  }

  /** The datagram `ip` is a fragment of: waiting for fragments, or completed just now. */
  private find(ip: IpHeader, time: number): Datagram | undefined {
    for (const d of this.slots) {
      if ((d.inUse || time - d.doneAt <= REMEMBER_DONE_SECONDS) && d.id === ip.fragmentId && d.version === ip.version && d.protocol === ip.protocol && sameAddress(d.src, ip.src) && sameAddress(d.dst, ip.dst)) return d;
    }
    return undefined;
  }

  private start(ip: IpHeader, frame: number, time: number): Datagram {
    let d = this.freeSlot(time);
    if (d === null) {
      d = new Datagram();
      this.slots.push(d);
    }
    d.inUse = true;
    d.version = ip.version;
    d.src.set(ip.src);
    d.dst.set(ip.dst);
    d.id = ip.fragmentId;
    d.protocol = ip.protocol;
    d.bytes ??= Buffer.allocUnsafe(MAX_PAYLOAD);
    // RFC 815 step 0: one hole, from 0 to "infinity".
    d.holes[0] = 0;
    d.holes[1] = MAX_PAYLOAD;
    d.holeCount = 1;
    d.total = -1;
    d.capturedEnd = MAX_PAYLOAD;
    d.firstFrame = frame;
    d.frames = 0;
    d.started = time;
    d.doneAt = -Infinity;
    return d;
  }

  /**
   * An unused slot (null: make one); past MAX_DATAGRAMS, one whose completed datagram is
   * remembered, else the oldest waiting datagram's, given up.
   */
  private freeSlot(time: number): Datagram | null {
    let remembered: Datagram | null = null;
    let oldest: Datagram | null = null;
    for (const s of this.slots) {
      if (s === this.completed) continue;
      if (!s.inUse && time - s.doneAt > REMEMBER_DONE_SECONDS) return s;
      if (!s.inUse) remembered ??= s;
      else if (oldest === null || s.started < oldest.started) oldest = s;
    }
    if (this.slots.length < MAX_DATAGRAMS) return null;
    if (remembered !== null) {
      remembered.doneAt = -Infinity;
      return remembered;
    }
    if (oldest === null) return null;
    this.drop(oldest);
    return oldest;
  }

  private expire(time: number): void {
    for (const d of this.slots) if (d.inUse && time - d.started > TIMEOUT_SECONDS) this.drop(d);
  }

  private drop(d: Datagram): void {
    d.inUse = false;
    d.doneAt = -Infinity;
    if (d.frames === 0 || d.protocol !== PROTO_TCP) return;
    if (this.firstDroppedFrame === 0 || d.firstFrame < this.firstDroppedFrame) this.firstDroppedFrame = d.firstFrame;
    this.droppedFrames += d.frames;
  }
}

/**
 * RFC 815 steps 1-6: the fragment [first, last] removes every hole it touches, leaving
 * what it did not cover on either side (after it only when more fragments follow).
 * False when the holes would outnumber MAX_HOLES.
 */
function fill(d: Datagram, first: number, last: number, more: boolean): boolean {
  const h = d.holes;
  for (let i = 0; i < d.holeCount; ) {
    const holeFirst = h[i * 2]!;
    const holeLast = h[i * 2 + 1]!;
    if (first > holeLast || last < holeFirst) {
      i++;
      continue;
    }
    // Step 4: delete this hole.
    removeHole(d, i);
    if (first > holeFirst && !addHole(d, holeFirst, first - 1)) return false;
    if (last < holeLast && more && !addHole(d, last + 1, holeLast)) return false;
  }
  // The last fragment bounds the datagram: nothing past it is missing.
  if (!more) for (let i = 0; i < d.holeCount; ) {
    if (h[i * 2]! > last) removeHole(d, i);
    else i++;
  }
  return true;
}

/** Deletes hole `i`: the last one moves into its place (order does not matter). */
function removeHole(d: Datagram, i: number): void {
  const h = d.holes;
  d.holeCount--;
  h[i * 2] = h[d.holeCount * 2]!;
  h[i * 2 + 1] = h[d.holeCount * 2 + 1]!;
}

function addHole(d: Datagram, first: number, last: number): boolean {
  if (d.holeCount === MAX_HOLES) return false;
  d.holes[d.holeCount * 2] = first;
  d.holes[d.holeCount * 2 + 1] = last;
  d.holeCount++;
  return true;
}
