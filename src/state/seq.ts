/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 section 3.4): the only place raw
 * sequence or acknowledgement numbers are compared or added. A comparison is valid for
 * numbers less than 2^31 apart, as TCP itself assumes.
 *
 * Decoding and tracking keep sequence numbers in int32 form (TcpHeader.seq/ack): an
 * int32 is always a small integer in V8, while an unsigned value above 2^31 passed to
 * a call V8 did not inline is boxed in a fresh heap number: garbage per packet
 * (test/decode/allocation.test.ts counts it). The comparisons below work on either form; `unsignedSeq`
 * gives the wire value back for reports.
 */

/** The unsigned (wire) form, for reports. */
export function unsignedSeq(seq: number): number {
  return seq >>> 0;
}

/** a − b as a signed distance in (−2^31, 2^31]. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLt(a: number, b: number): boolean {
  return seqDiff(a, b) < 0;
}

export function seqLe(a: number, b: number): boolean {
  return seqDiff(a, b) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return seqDiff(a, b) > 0;
}

export function seqGe(a: number, b: number): boolean {
  return seqDiff(a, b) >= 0;
}

/** a + n, modulo 2^32, in int32 form. */
export function seqAdd(a: number, n: number): number {
  return (a + n) | 0;
}
