/** Every ending, in the order docs/endings.md lists them. */
export const ENDINGS = ['graceful', 'simultaneous-close', 'half-closed', 'reset', 'refused', 'unreachable', 'timeout', 'half-open', 'open', 'not-established'] as const;

/** How a connection ended (docs/endings.md, "Endings"). */
export type Ending = (typeof ENDINGS)[number];

export type ResetKind = 'abort' | 'after-close' | 'stale' | 'late-fin' | 'handshake' | 'injected';
export type TimeoutKind = 'connect' | 'retransmission' | 'keepalive';

/**
 * The details each ending can carry (docs/endings.md), so that a check naming one that
 * never occurs (`reset:aborted`) is refused instead of matching nothing. An unreachable
 * with an ICMP code we do not name carries `code-N` (DETAIL_PATTERNS).
 */
export const DETAILS: { readonly [E in Ending]: readonly string[] } = {
  graceful: ['three-segment close', 'four-segment close'],
  'simultaneous-close': [],
  'half-closed': ['client-closed', 'server-closed'],
  reset: ['abort', 'after-close', 'stale', 'late-fin', 'handshake', 'injected'] satisfies ResetKind[],
  refused: ['icmp-port-unreachable'],
  // RFC 792 / RFC 4443 destination-unreachable codes (diagnose.ts icmpReason).
  unreachable: ['net-unreachable', 'host-unreachable', 'protocol-unreachable', 'port-unreachable', 'fragmentation-needed', 'administratively-prohibited', 'no-route', 'address-unreachable'],
  timeout: ['connect', 'retransmission', 'keepalive'] satisfies TimeoutKind[],
  // What the live side was still sending when the capture ended.
  'half-open': ['retransmission', 'keepalive'],
  open: [],
  'not-established': [],
};

/** Details that are a family rather than a word: ICMP codes without a name. */
export const DETAIL_PATTERNS: { readonly [E in Ending]?: RegExp } = { unreachable: /^code-\d+$/ };

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
