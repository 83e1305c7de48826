/**
 * Whether a retransmission series gave up before the capture ended (docs/endings.md, "The
 * end of the capture"): only when the quiet time after its last attempt is longer than
 * the next back-off interval would have been, with a margin. RFC 6298 5.5 doubles the
 * interval each time; Linux's first SYN retries are linear (tcp_syn_linear_timeouts),
 * for which doubling the last interval is a safe upper bound. A single transmission
 * has no interval to go by: it never counts as given up.
 */
export function gaveUp(times: readonly number[], captureEnd: number): boolean {
  if (times.length < 2) return false;
  const last = times[times.length - 1]!;
  const interval = last - times[times.length - 2]!;
  const next = Math.max(interval * 2, 0.2);
  return captureEnd - last > next * 1.25;
}
