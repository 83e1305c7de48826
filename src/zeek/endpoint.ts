import type { ZeekParams } from './params.js';
import { Reassembler, type ReassemblerEndpoint, type ReassemblerHost } from './reassembler.js';
import { INACTIVE, RESET, SYN_SENT } from './conn-state.js';

export { CLOSED, ESTABLISHED, INACTIVE, PARTIAL, RESET, SYN_ACK_SENT, SYN_SENT } from './conn-state.js';

const TWO32 = 4294967296;

/** What an endpoint needs from its connection. */
export interface EndpointOwner {
  readonly params: ZeekParams;
  isPartial(): boolean;
  reportGap(endpoint: ZeekEndpoint, length: number): void;
  endpointEOF(endpoint: ZeekEndpoint): void;
  addHistory(code: string): void;
}

/**
 * One side of a connection as Zeek's TCP_Endpoint keeps it (TCP_Endpoint.cc/.h): its state,
 * its sequence bookkeeping (start_seq, last_seq, ack_seq and their 32-bit wrap counts),
 * FIN/RST counts, whether its close was reported (did_close), the sequence numbers of the
 * last SYN/FIN/RST for the history letters, the scaled counters of the t/w/g/c letters,
 * and its reassembler.
 */
export class ZeekEndpoint implements ReassemblerEndpoint, ReassemblerHost {
  state = INACTIVE;
  prevState = INACTIVE;
  peer!: ZeekEndpoint;
  /** start_seq: an int64 in Zeek, always set from a uint32 here. */
  startSeq = 0;
  lastSeq = 0;
  ackSeq = 0;
  seqWraps = 0;
  ackWraps = 0;
  finCnt = 0;
  rstCnt = 0;
  /** FIN_seq: relative sequence number just past the FIN. */
  finSeq = 0;
  didClose = false;
  histLastSyn = 0;
  histLastFin = 0;
  histLastRst = 0;
  /** Scaled history counters, [count, threshold] pairs: retransmissions, zero windows, gaps, bad checksums. */
  private readonly scaled = new Float64Array([0, 1, 0, 1, 0, 1, 0, 1]);
  readonly reassembler: Reassembler;

  constructor(
    private readonly owner: EndpointOwner,
    public isOrig: boolean,
  ) {
    this.reassembler = new Reassembler(this);
  }

  // ReassemblerHost: the endpoint hosts its own reassembler.
  get endpoint(): ZeekEndpoint {
    return this;
  }
  get params(): ZeekParams {
    return this.owner.params;
  }
  isPartial(): boolean {
    return this.owner.isPartial();
  }
  reportGap(endpoint: ReassemblerEndpoint, length: number): void {
    this.owner.reportGap(endpoint as ZeekEndpoint, length);
  }
  endpointEOF(endpoint: ReassemblerEndpoint): void {
    this.owner.endpointEOF(endpoint as ZeekEndpoint);
  }

  startSeq64(): number {
    return this.startSeq;
  }
  lastSeq64(): number {
    return this.seqWraps * TWO32 + this.lastSeq;
  }

  /** TCP_Endpoint::UpdateLastSeq. */
  updateLastSeq(seq: number): void {
    if (seq < this.lastSeq) this.seqWraps++;
    this.lastSeq = seq;
  }

  /** TCP_Endpoint::UpdateAckSeq. */
  updateAckSeq(seq: number): void {
    if (seq < this.ackSeq) this.ackWraps++;
    this.ackSeq = seq;
  }

  /** TCP_Endpoint::ToRelativeSeqSpace. */
  toRelativeSeqSpace(seq: number, wraps: number): number {
    return wraps * TWO32 + seq - this.startSeq;
  }

  /** TCP_Endpoint::NoDataAcked: at most the SYN's octet acknowledged. */
  noDataAcked(): boolean {
    const ack = this.ackWraps * TWO32 + this.ackSeq;
    return ack === this.startSeq || ack === this.startSeq + 1;
  }

  /**
   * TCP_Endpoint::Size: bytes sent, from sequence numbers: the larger of last_seq and the
   * peer's highest ACK, less the start, less the SYN's and the FIN's octets. A side that
   * sent a SYN and then a RST, unanswered, with data acknowledged, counts 0.
   * A result below zero wraps in Zeek's uint64: given here as that huge count (rounded).
   */
  size(): number {
    if (this.prevState === SYN_SENT && this.state === RESET && this.peer.state === INACTIVE && !this.noDataAcked()) return 0;
    const last = this.seqWraps * TWO32 + this.lastSeq;
    const ack = this.ackWraps * TWO32 + this.ackSeq;
    let size = (last > ack ? last : ack) - this.startSeq;
    if (size < 0) return Number(BigInt.asUintN(64, BigInt(size - (this.finCnt > 0 ? 2 : 1))));
    if (size !== 0) size--;
    if (this.finCnt > 0 && size !== 0) size--;
    return size;
  }

  /** TCP_Endpoint::CheckHistory: a letter once per direction (responder's lower case, mask << 16). */
  checkHistory(hist: { seen: number }, mask: number, code: string): boolean {
    if (!this.isOrig) {
      mask = mask * 0x10000;
      code = code.toLowerCase();
    }
    if ((hist.seen & mask) === 0) {
      hist.seen |= mask;
      this.owner.addHistory(code);
      return false;
    }
    return true;
  }

  /** TCP_Endpoint::AddHistory. */
  addHistory(code: string): void {
    this.owner.addHistory(this.isOrig ? code : code.toLowerCase());
  }

  /** TCP_Endpoint::DidRxmit: 't'/'T' at the 1st, 10th, 100th... retransmission. */
  didRxmit(): void {
    this.scaledEntry(0, 'T');
  }

  /** TCP_Endpoint::ZeroWindow: 'w'/'W', scaled the same way. */
  zeroWindow(): void {
    this.scaledEntry(2, 'W');
  }

  /** TCP_Endpoint::Gap: 'g'/'G', scaled the same way. */
  gap(): void {
    this.scaledEntry(4, 'G');
  }

  /** TCP_Endpoint::ChecksumError: 'c'/'C', scaled the same way. */
  checksumError(): void {
    this.scaledEntry(6, 'C');
  }

  /**
   * Session::ScaledHistoryEntry (scaling base 10): the letter when the count reaches the
   * threshold, which then grows tenfold; where the uint32 threshold would wrap, Zeek keeps
   * it and restarts the count.
   */
  private scaledEntry(i: number, code: string): void {
    const s = this.scaled;
    const count = ++s[i]!;
    const threshold = s[i + 1]!;
    if (count !== threshold) return;
    this.addHistory(code);
    const next = (threshold * 10) % 4294967296;
    if (next <= threshold) s[i] = 0;
    else s[i + 1] = next;
  }
}
