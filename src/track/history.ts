import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../decode/tcp.js';

/**
 * Zeek's conn.log `history` (scripts/base/protocols/conn/main.zeek): one letter per
 * kind of event, upper case when the originator sent it, lower case for the responder.
 * a, d, i, q are recorded once per direction; s, h, f, r again whenever the sequence
 * number differs from the last one recorded for that letter; g, t, w logarithmically
 * (the 1st, 10th, 100th ... occurrence). c (bad checksum) is never set: a segment
 * with a bad checksum (--checksums) never reaches the tracker, so this history is that
 * of the connection we saw without it (the Zeek log format, which replays Zeek's own
 * rules, does count it). The originator is endpoint 0 (first sender) until the report
 * decides roles; `forClient` flips the case and prefixes ^ when Zeek would have too.
 */
export class ZeekHistory {
  private text = '';
  /**
   * Both sides' counters in one array (layout: the *_AT offsets below, plus SIDE_STRIDE
   * for side 1): one allocation instead of six, because a SYN flood holds hundreds of
   * thousands of connections at once. Float64 so the log thresholds pass 1e9 exactly.
   */
  private readonly n = startCounters(new Float64Array(2 * SIDE_STRIDE));

  /** Forgets everything, for a connection object used again (see Tracker). */
  reset(): void {
    this.text = '';
    startCounters(this.n);
  }

  /** Records what a segment from `side` shows. */
  segment(side: 0 | 1, flags: number, seq: number, payload: number, retransmitted: boolean, zeroWindow: boolean): void {
    const syn = (flags & TCP_SYN) !== 0;
    const fin = (flags & TCP_FIN) !== 0;
    const rst = (flags & TCP_RST) !== 0;
    const ack = (flags & TCP_ACK) !== 0;
    if (syn && (fin || rst)) this.onceLetter(side, 'q', ONCE_Q);
    else if (syn) this.seqLetter(side, ack ? 'h' : 's', ack ? SEQ_H : SEQ_S, seq);
    if (fin && rst) this.onceLetter(side, 'i', ONCE_I);
    if (fin) this.seqLetter(side, 'f', SEQ_F, seq);
    if (rst) this.seqLetter(side, 'r', SEQ_R, seq);
    if (payload > 0) this.onceLetter(side, 'd', ONCE_D);
    else if (ack && !syn && !fin && !rst) this.onceLetter(side, 'a', ONCE_A);
    if (retransmitted) this.logLetter(side, 't', LOG_T);
    if (zeroWindow) this.logLetter(side, 'w', LOG_W);
  }

  /** Bytes the capture missed in `side`'s stream (a content gap). */
  gap(side: 0 | 1): void {
    this.logLetter(side, 'g', LOG_G);
  }

  /** The history with the client as originator (`client` is its endpoint index). */
  forClient(client: 0 | 1): string {
    if (client === 0) return this.text;
    // Zeek flips the direction when it learns the first packet came from the responder
    // and marks that with ^; its letters then follow the new roles.
    let flipped = '^';
    for (const ch of this.text) flipped += ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase();
    return flipped;
  }

  private append(side: 0 | 1, letter: string): void {
    this.text += side === 0 ? letter.toUpperCase() : letter;
  }

  private onceLetter(side: 0 | 1, letter: string, bit: number): void {
    const at = side * SIDE_STRIDE + ONCE_AT;
    if ((this.n[at]! & bit) !== 0) return;
    this.n[at] = this.n[at]! | bit;
    this.append(side, letter);
  }

  private seqLetter(side: 0 | 1, letter: string, slot: number, seq: number): void {
    const seen = side * SIDE_STRIDE + SEEN_AT;
    const last = side * SIDE_STRIDE + LAST_SEQ_AT + slot;
    if ((this.n[seen]! & (1 << slot)) !== 0 && this.n[last] === seq) return;
    this.n[seen] = this.n[seen]! | (1 << slot);
    this.n[last] = seq;
    this.append(side, letter);
  }

  private logLetter(side: 0 | 1, letter: string, slot: number): void {
    const count = side * SIDE_STRIDE + COUNT_AT + slot;
    const next = side * SIDE_STRIDE + NEXT_AT + slot;
    this.n[count]!++;
    if (this.n[count]! < this.n[next]!) return;
    this.n[next] = this.n[next]! * 10;
    this.append(side, letter);
  }
}

const ONCE_A = 1;
const ONCE_D = 2;
const ONCE_I = 4;
const ONCE_Q = 8;
const SEQ_S = 0;
const SEQ_H = 1;
const SEQ_F = 2;
const SEQ_R = 3;
const LOG_G = 0;
const LOG_T = 1;
const LOG_W = 2;

/** Offsets into ZeekHistory's counters, per side. */
const ONCE_AT = 0; // bits ONCE_*
const SEEN_AT = 1; // bits 1 << SEQ_*: a sequence number is recorded for that letter
const LAST_SEQ_AT = 2; // 4 slots, SEQ_*
const COUNT_AT = 6; // 3 slots, LOG_*
const NEXT_AT = 9; // 3 slots, LOG_*: the count at which the letter is next recorded
const SIDE_STRIDE = 12;

function startCounters(n: Float64Array): Float64Array {
  n.fill(0);
  for (let side = 0; side < 2; side++) n.fill(1, side * SIDE_STRIDE + NEXT_AT, side * SIDE_STRIDE + NEXT_AT + 3);
  return n;
}
