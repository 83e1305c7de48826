/** How a connection ended (docs/endings.md, "Endings"). */
export type Ending =
  | 'graceful'
  | 'simultaneous-close'
  | 'half-closed'
  | 'reset'
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'half-open'
  | 'open'
  | 'not-established';

export type ResetKind = 'abort' | 'after-close' | 'stale' | 'late-fin' | 'handshake' | 'injected';
export type TimeoutKind = 'connect' | 'retransmission' | 'keepalive';
export type Side = 'client' | 'server';

/** What the diagnosis adds to a tracked connection (field names: docs/output.md). */
export interface Diagnosis {
  ending: Ending;
  /** Reset kind, timeout kind, close shape (three-/four-segment), ICMP reason, or null. */
  detail: string | null;
  /** Who sent the first FIN or the ending RST (or gave up). */
  closer: Side | 'both' | null;
  /** Diagnosis flags, added to the tracking flags: lost-last-ack, fin-retransmitted. */
  flags: string[];
  /** Frames that prove the ending. */
  evidence: number[];
  /** What each application saw: EOF, ECONNRESET, EPIPE, ETIMEDOUT, ... */
  apps: { client: string; server: string };
  explanation: string;
  zeek: { connState: string; history: string };
  /** A Wireshark display filter selecting the connection. */
  filter: string;
}
