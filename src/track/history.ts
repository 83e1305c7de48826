import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../decode/tcp.js';

/**
 * Zeek's conn.log `history` (scripts/base/protocols/conn/main.zeek): one letter per
 * kind of event, upper case when the originator sent it, lower case for the responder.
 * a, d, i, q are recorded once per direction; s, h, f, r again whenever the sequence
 * number differs from the last one recorded for that letter; g, t, w logarithmically
 * (the 1st, 10th, 100th ... occurrence). c (bad checksum) is never set: checksums are
 * not verified here. The originator is endpoint 0 (first sender) until the report
 * decides roles; `forClient` flips the case and prefixes ^ when Zeek would have too.
 */
export class ZeekHistory {
  private text = '';
  private readonly once = [0, 0];
  private readonly lastSeq = [new Int32Array(4), new Int32Array(4)];
  private readonly seen = [0, 0];
  private readonly counts = [new Int32Array(3), new Int32Array(3)];
  private readonly next = [new Int32Array([1, 1, 1]), new Int32Array([1, 1, 1])];

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
    if ((this.once[side]! & bit) !== 0) return;
    this.once[side]! |= bit;
    this.append(side, letter);
  }

  private seqLetter(side: 0 | 1, letter: string, slot: number, seq: number): void {
    const last = this.lastSeq[side]!;
    if ((this.seen[side]! & (1 << slot)) !== 0 && last[slot] === seq) return;
    this.seen[side]! |= 1 << slot;
    last[slot] = seq;
    this.append(side, letter);
  }

  private logLetter(side: 0 | 1, letter: string, slot: number): void {
    const count = ++this.counts[side]![slot]!;
    if (count < this.next[side]![slot]!) return;
    this.next[side]![slot] = this.next[side]![slot]! * 10;
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
