/** Every ending, in the order docs/endings.md lists them. */
export const ENDINGS = ['graceful', 'simultaneous-close', 'half-closed', 'reset', 'refused', 'unreachable', 'timeout', 'half-open', 'open', 'not-established'] as const;

/** How a connection ended (docs/endings.md, "Endings"). */
export type Ending = (typeof ENDINGS)[number];

/**
 * The details each ending can carry (docs/endings.md), so that a check naming one that
 * never occurs (`reset:aborted`) is refused instead of matching nothing. An unreachable
 * with an ICMP code we do not name carries `code-N` (DETAIL_PATTERNS).
 */
export const DETAILS = {
  graceful: ['three-segment close', 'four-segment close'],
  'simultaneous-close': [],
  'half-closed': ['client-closed', 'server-closed'],
  reset: ['abort', 'after-close', 'stale', 'late-fin', 'handshake', 'injected'],
  refused: ['icmp-port-unreachable'],
  // RFC 792 / RFC 4443 destination-unreachable codes (diagnose.ts icmpReason).
  unreachable: ['net-unreachable', 'host-unreachable', 'protocol-unreachable', 'port-unreachable', 'fragmentation-needed', 'administratively-prohibited', 'no-route', 'address-unreachable'],
  timeout: ['connect', 'retransmission', 'keepalive'],
  // What the live side was still sending when the capture ended.
  'half-open': ['retransmission', 'keepalive'],
  open: [],
  'not-established': [],
} as const satisfies { readonly [E in Ending]: readonly string[] };

export type ResetKind = (typeof DETAILS)['reset'][number];
export type TimeoutKind = (typeof DETAILS)['timeout'][number];
/** An ICMP destination-unreachable code without a name (DETAIL_PATTERNS). */
export type IcmpCode = `code-${number}`;
/** Every detail any ending carries. */
export type Detail = (typeof DETAILS)[Ending][number] | IcmpCode;

/**
 * What the diagnosis flags, besides the tracker's flags (docs/output.md). `one-sided`
 * is both: the tracker's when it saw a handshake from one side, the diagnosis's when
 * the verdict rests on a capture with one direction missing.
 */
export const DIAGNOSIS_FLAGS = ['one-sided', 'lost-last-ack', 'fin-retransmitted'] as const;
export type DiagnosisFlag = (typeof DIAGNOSIS_FLAGS)[number];

/** Zeek's conn_state values (scripts/base/protocols/conn/main.zeek). */
export const ZEEK_CONN_STATES = ['S0', 'S1', 'SF', 'REJ', 'S2', 'S3', 'RSTO', 'RSTR', 'RSTOS0', 'RSTRH', 'SH', 'SHR', 'OTH'] as const;
export type ZeekConnState = (typeof ZEEK_CONN_STATES)[number];

/** Details that are a family rather than a word: ICMP codes without a name. */
export const DETAIL_PATTERNS: { readonly [E in Ending]?: RegExp } = { unreachable: /^code-\d+$/ };

export type Side = 'client' | 'server';

/** What the diagnosis adds to a tracked connection (field names: docs/output.md). */
export interface Diagnosis {
  ending: Ending;
  /** Reset kind, timeout kind, close shape (three-/four-segment), ICMP reason, or null. */
  detail: Detail | null;
  /** Who sent the first FIN or the ending RST (or gave up). */
  closer: Side | 'both' | null;
  /** Diagnosis flags, added to the tracking flags: lost-last-ack, fin-retransmitted. */
  flags: DiagnosisFlag[];
  /** Frames that prove the ending. */
  evidence: number[];
  /** What each application saw: EOF, ECONNRESET, EPIPE, ETIMEDOUT, ... */
  apps: { client: string; server: string };
  explanation: string;
  zeek: { connState: ZeekConnState; history: string };
  /** A Wireshark display filter selecting the connection. */
  filter: string;
}
