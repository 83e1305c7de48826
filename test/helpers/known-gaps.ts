/**
 * Lab scenarios whose design the analyser does not reach yet, each with why, and which
 * of their checks fail for it. Those tests run as `it.fails`: they must still fail, so
 * the day one passes it shows, and the scenario comes off this list.
 */
export const KNOWN_GAPS: Record<string, { why: string; apps: boolean }> = {
  'client-restart-stale-ack': {
    why: "the client's RST that ends the old connection (stream 0) is captured in stream 1, as Wireshark numbers it; stream 0 was already reported when the new SYN reused its ports, so it reads 'open'",
    apps: true,
  },
};
