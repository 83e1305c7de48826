import type { PacketRecord } from '../capture/record.js';
import { formatAddress } from '../decode/address.js';
import type { PacketDecoder } from '../decode/packet.js';
import { TCP_FIN, TCP_RST, TCP_SYN } from '../decode/tcp.js';

/** Which segments of a connection `show` draws. */
export type WindowChoice =
  /** The handshake, every SYN/FIN/RST and what answered it, and the last segments. */
  | { kind: 'story' }
  /** Frames from..to (either end open). */
  | { kind: 'frames'; from: number; to: number }
  /** The segments around one frame. */
  | { kind: 'around'; frame: number };

/** A connection this short is drawn whole. */
const WHOLE = 100;
/** The story's beginning: the handshake and the first data. */
const FIRST = 6;
/** The story's end: what led to the ending. */
const LAST = 40;
/** Segments after a SYN, FIN or RST kept with it: the ACK that completes its state change comes right after. */
const ANSWERS = 2;
/** Segments each side of --around's frame. */
const AROUND = 20;
/** The story keeps at most this many flagged segments (an RST storm must not fill memory). */
const MAX_FLAGGED = 1000;

/** One segment of the connection, as the ladder draws it. */
export interface LadderSegment {
  frame: number;
  time: number;
  /** Sender, to tell the direction once the roles are known. */
  srcIp: string;
  srcPort: number;
  flags: number;
  /** int32 form (state/seq.ts). */
  seq: number;
  ack: number;
  len: number;
  window: number;
  /** Its place among the connection's segments (0, 1, ...), set by SegmentWindow: what a gap leaves out is counted with it. */
  index: number;
}

/** The segment the decoder holds, as the ladder draws it (a fresh object, which a window may keep). */
export function ladderSegment(rec: PacketRecord, d: PacketDecoder): LadderSegment {
  const t = d.tcp;
  return {
    frame: rec.frame,
    time: rec.tsSec + rec.tsNsec / 1e9,
    srcIp: formatAddress(d.ip.version, d.ip.src),
    srcPort: t.srcPort,
    flags: t.flags,
    seq: t.seq,
    ack: t.ack,
    len: t.payloadLength,
    window: t.window,
    index: 0,
  };
}

/**
 * The segments of one connection that `show` will draw, chosen while the capture
 * streams by, so a connection of millions of segments costs a window, not a copy.
 * A short connection is kept whole: its whole ladder is the story.
 */
export class SegmentWindow {
  private readonly kept: LadderSegment[] = [];
  /** Every segment while the connection is short enough to draw whole. */
  private readonly whole: LadderSegment[] = [];
  /** The story's last segments, and --around's segments before its frame. */
  private readonly ring: LadderSegment[] = [];
  private total = 0;
  private flagged = 0;
  /** Segments still to keep after a SYN/FIN/RST, or after --around's frame. */
  private follow = 0;
  private reached = false;

  constructor(private readonly choice: WindowChoice) {}

  /** The connection's next segment (a fresh object: its index is set here, and it may be kept). */
  add(s: LadderSegment): void {
    s.index = this.total++;
    const choice = this.choice;
    switch (choice.kind) {
      case 'frames':
        if (s.frame >= choice.from && s.frame <= choice.to) this.kept.push(s);
        return;
      case 'around':
        if (this.reached) {
          if (this.follow-- > 0) this.kept.push(s);
          return;
        }
        if (s.frame < choice.frame) return this.remember(s, AROUND);
        this.reached = true;
        this.kept.push(...this.ring.splice(0), s);
        this.follow = AROUND;
        return;
      case 'story': {
        if (s.index < WHOLE) this.whole.push(s);
        const marks = (s.flags & (TCP_SYN | TCP_FIN | TCP_RST)) !== 0;
        if (marks && this.flagged < MAX_FLAGGED) {
          this.flagged++;
          this.follow = ANSWERS;
          this.kept.push(s);
        } else if (s.index < FIRST) this.kept.push(s);
        else if (this.follow > 0) {
          this.follow--;
          this.kept.push(s);
        } else this.remember(s, LAST);
      }
    }
  }

  /** The segments to draw, in capture order, and how many the connection had. */
  result(): { segments: LadderSegment[]; total: number } {
    if (this.choice.kind !== 'story') return { segments: this.kept, total: this.total };
    if (this.total <= WHOLE) return { segments: this.whole, total: this.total };
    // The ring holds the last segments not kept otherwise: with the kept ones, at least the last LAST.
    return { segments: [...this.kept, ...this.ring].sort((a, b) => a.index - b.index), total: this.total };
  }

  /** Keeps `s` among the last `n` segments not otherwise kept. */
  private remember(s: LadderSegment, n: number): void {
    this.ring.push(s);
    if (this.ring.length > n) this.ring.shift();
  }
}
