import type { ZeekParams } from './params.js';

/**
 * What Zeek's TCP reassembler does that shows in conn.log, without the bytes: where the
 * stream has been delivered to (last_reassem_seq), which ranges arrived and wait for an
 * ACK (or for a hole below them to fill), the content gaps it reports when an ACK covers
 * bytes that never came (history g/G, missed_bytes), and whether data is still pending
 * when a side closes (which defers Zeek's close: TCPSessionAdapter::ConnectionClosed).
 *
 * Zeek reassembles every TCP connection with the default scripts:
 * TCPSessionAdapter::AddExtraAnalyzers turns reassembly on when
 * dpd_reassemble_first_packets is T (init-bare.zeek's default), for both directions.
 *
 * Sources: src/analyzer/protocol/tcp/TCP_Reassembler.cc (DataSent, AckReceived,
 * Undelivered, Gap, BlockInserted, CheckEOF, DataPending) and src/Reassem.cc
 * (Reassembler::NewBlock, TrimToSeq, DataBlockList::Trim, Insert).
 *
 * Sequence numbers are relative to the endpoint's start (1 = first byte after the SYN).
 *
 * Simplification (documented): Zeek keeps each segment as its own block; here adjacent
 * blocks are merged into one range. Which bytes are held, the holes, the gaps reported and
 * the "has blocks" test are the same; the one difference is that a trim by an ACK cuts a
 * merged range at the ACK where Zeek keeps the whole segment that straddles it, so the
 * byte count held (only compared with tcp_excessive_data_without_further_acks, 10 MB) can
 * be lower by less than one segment.
 */
export interface ReassemblerHost {
  /** The sender whose bytes these are. */
  readonly endpoint: ReassemblerEndpoint;
  readonly params: ZeekParams;
  /** TCPSessionAdapter::IsPartial. */
  isPartial(): boolean;
  /** TCP_Reassembler::Gap's effects outside the reassembler (history, content_gap). */
  reportGap(endpoint: ReassemblerEndpoint, length: number): void;
  /** TCPSessionAdapter::EndpointEOF. */
  endpointEOF(endpoint: ReassemblerEndpoint): void;
}

/** The parts of TCP_Endpoint the reassembler reads. */
export interface ReassemblerEndpoint {
  readonly state: number;
  readonly finCnt: number;
  /** Relative sequence number just past the FIN. */
  readonly finSeq: number;
  readonly peer: ReassemblerEndpoint;
  readonly reassembler: Reassembler;
  noDataAcked(): boolean;
  size(): number;
  /** Full (64-bit) sequence number of the start and of last_seq. */
  startSeq64(): number;
  lastSeq64(): number;
}

const CLOSED = 5;
const RESET = 6;

export class Reassembler {
  lastReassemSeq = 1;
  trimSeq = 1;
  /** Held ranges [starts[i], uppers[i]), sorted, disjoint, not adjacent. */
  private readonly starts: number[] = [];
  private readonly uppers: number[] = [];
  private held = 0;
  skipDeliveries = false;
  didEOF = false;
  hadGap = false;

  constructor(private readonly host: ReassemblerHost) {}

  get blockCount(): number {
    return this.starts.length;
  }

  /** TCP_Reassembler::HasUndeliveredData: any block held (delivered but unacked ones too). */
  hasBlocks(): boolean {
    return this.starts.length !== 0;
  }

  /** TCP_Reassembler::DataSent (replaying is true on this path, so no trim by the ACK). */
  dataSent(seq: number, len: number): void {
    if (this.skipDeliveries) return;
    this.newBlock(seq, len);
    const p = this.host.params;
    if (this.host.endpoint.noDataAcked() && p.tcpMaxAboveHoleWithoutAnyAcks !== 0 && this.numUndeliveredBytes() > p.tcpMaxAboveHoleWithoutAnyAcks) {
      // Weird "above_hole_data_without_any_acks".
      this.clearBlocks();
      this.skipDeliveries = true;
    }
    if (p.tcpExcessiveDataWithoutFurtherAcks !== 0 && this.held > p.tcpExcessiveDataWithoutFurtherAcks) {
      // Weird "excessive_data_without_further_acks".
      this.clearBlocks();
      this.skipDeliveries = true;
    }
  }

  /** TCP_Reassembler::AckReceived: the peer acknowledged up to `seq` (relative). */
  ackReceived(seq: number): void {
    const e = this.host.endpoint;
    if (e.finCnt > 0 && u64ge(seq, e.finSeq)) seq = e.finSeq - 1;
    if (!u64gt(seq, this.trimSeq)) return;
    this.trimToSeq(seq);
    this.checkEOF();
  }

  /** TCP_Reassembler::CheckEOF. */
  checkEOF(): void {
    const e = this.host.endpoint;
    if (!this.didEOF && (e.finCnt > 0 || e.state === CLOSED || e.state === RESET) && !this.dataPending()) {
      this.didEOF = true;
      this.host.endpointEOF(e);
    }
  }

  /** TCP_Reassembler::DataPending. */
  dataPending(): boolean {
    if (this.skipDeliveries) return false;
    const e = this.host.endpoint;
    const delivered = e.startSeq64() + this.lastReassemSeq;
    const last = e.lastSeq64();
    if (last < delivered) return false;
    if (delivered !== last - 1 && delivered !== last) return true;
    return e.state !== RESET && e.peer.reassembler.hasBlocks();
  }

  private numUndeliveredBytes(): number {
    const n = this.uppers.length;
    return n === 0 ? 0 : this.uppers[n - 1]! - this.lastReassemSeq;
  }

  private clearBlocks(): void {
    this.starts.length = 0;
    this.uppers.length = 0;
    this.held = 0;
  }

  /** Reassembler::NewBlock. */
  private newBlock(seq: number, len: number): void {
    if (len === 0) return;
    const upper = seq + len;
    if (upper <= this.trimSeq) return; // old data
    if (seq < this.trimSeq) seq = this.trimSeq;
    const piece = this.insert(seq, upper);
    if (piece >= 0) this.blockInserted(piece);
  }

  /**
   * DataBlockList::Insert: adds the parts of [seq, upper) not held yet, returns where the
   * lowest new part starts (-1: nothing new; Zeek then hands BlockInserted a block already
   * held, which delivers nothing).
   */
  private insert(seq: number, upper: number): number {
    const starts = this.starts;
    const uppers = this.uppers;
    // First range whose upper reaches seq (it may touch or overlap the new one).
    let i = 0;
    const n = starts.length;
    if (n !== 0 && uppers[n - 1]! < seq) i = n;
    else while (i < n && uppers[i]! < seq) i++;
    let lowestNew = -1;
    let cursor = seq;
    let j = i;
    let covered = 0;
    while (j < n && starts[j]! <= upper) {
      if (lowestNew < 0 && starts[j]! > cursor) lowestNew = cursor;
      covered += Math.max(0, Math.min(uppers[j]!, upper) - Math.max(starts[j]!, seq));
      cursor = Math.max(cursor, uppers[j]!);
      j++;
    }
    if (lowestNew < 0 && cursor < upper) lowestNew = cursor;
    if (lowestNew < 0) return -1;
    // Merge ranges i..j-1 with the new one.
    const mergedStart = j > i ? Math.min(starts[i]!, seq) : seq;
    const mergedUpper = j > i ? Math.max(uppers[j - 1]!, upper) : upper;
    starts.splice(i, j - i, mergedStart);
    uppers.splice(i, j - i, mergedUpper);
    this.held += upper - seq - covered;
    return lowestNew;
  }

  /** Reassembler::BlockInserted for the block starting at `seq` (a new piece). */
  private blockInserted(seq: number): void {
    const i = this.rangeAt(seq);
    if (i < 0) return;
    if (seq > this.lastReassemSeq || this.uppers[i]! <= this.lastReassemSeq) return;
    // A new piece at last_reassem_seq: it and all that is contiguous after it is delivered
    // (a piece straddling last_reassem_seq delivers nothing in Zeek's loop).
    if (seq === this.lastReassemSeq) this.lastReassemSeq = this.uppers[i]!;
    const e = this.host.endpoint;
    const p = this.host.params;
    // Both directions reassemble, so the peer "has contents": only the second test applies.
    if (e.noDataAcked() && p.tcpMaxInitialWindow !== 0 && e.size() > p.tcpMaxInitialWindow) this.trimToSeq(this.lastReassemSeq);
  }

  private rangeAt(seq: number): number {
    const starts = this.starts;
    for (let i = starts.length - 1; i >= 0; i--) if (starts[i]! <= seq) return seq < this.uppers[i]! ? i : -1;
    return -1;
  }

  /** Reassembler::TrimToSeq / DataBlockList::Trim. */
  private trimToSeq(seq: number): void {
    if (seq > this.lastReassemSeq) this.undelivered(seq);
    const starts = this.starts;
    const uppers = this.uppers;
    let k = 0;
    while (k < starts.length && uppers[k]! <= seq) {
      this.held -= uppers[k]! - starts[k]!;
      k++;
    }
    if (k > 0) {
      starts.splice(0, k);
      uppers.splice(0, k);
    }
    if (starts.length !== 0 && starts[0]! < seq) {
      this.held -= seq - starts[0]!;
      starts[0] = seq;
    }
    if (starts.length !== 0 && starts[0] === this.lastReassemSeq) this.blockInserted(starts[0]!);
    this.trimSeq = seq;
  }

  /** TCP_Reassembler::Undelivered: an ACK covers bytes not delivered. */
  private undelivered(upTo: number): void {
    if (upTo <= 2 && this.host.isPartial()) {
      // The faked initial sequence number of a partial connection; Zeek returns without
      // moving last_reassem_seq (its own "TODO").
      return;
    }
    if (!this.skipDeliveries) {
      for (;;) {
        let found = -1;
        for (let i = 0; i < this.starts.length; i++) {
          const s = this.starts[i]!;
          if (s < this.lastReassemSeq) continue;
          if (s < upTo) found = s;
          break;
        }
        if (found < 0) break;
        this.gap(found - this.lastReassemSeq);
        this.lastReassemSeq = found;
        this.blockInserted(found);
      }
      if (upTo > this.lastReassemSeq) this.gap(upTo - this.lastReassemSeq);
    }
    if (upTo > this.lastReassemSeq) this.lastReassemSeq = upTo;
  }

  private gap(length: number): void {
    this.host.reportGap(this.host.endpoint, length);
    this.hadGap = true;
  }
}

const TWO64 = 18446744073709551616;

/** uint64 comparisons of values kept as numbers that may have gone below zero (Zeek's wrap). */
function u64(x: number): number {
  return x < 0 ? TWO64 + x : x;
}
export function u64ge(a: number, b: number): boolean {
  return u64(a) >= u64(b);
}
export function u64gt(a: number, b: number): boolean {
  return u64(a) > u64(b);
}
