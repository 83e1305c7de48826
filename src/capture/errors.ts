import type { CaptureSummary } from './reader.js';

/**
 * Typed failures of the capture reader. Every one carries the byte offset (in the
 * decompressed input) where the reader stopped, so the CLI can print
 * `teardown: FILE: <what> at byte N` without a stack trace.
 */
export type CaptureErrorKind =
  | 'unknown-format' // the first bytes are no pcap, pcapng, gzip or zstd magic
  | 'unsupported-version' // a pcap or pcapng version this reader does not know
  | 'bad-header' // a file or section header that contradicts itself
  | 'bad-block-length' // pcapng block length zero, unaligned, too large, or header/trailer mismatch
  | 'bad-record-length' // classic pcap captured length that cannot be real
  | 'bad-interface' // a packet block naming an interface the section never described
  | 'compression' // the gzip or zstd stream itself is corrupt
  | 'io'; // the operating system refused to read

export class CaptureError extends Error {
  override readonly name = 'CaptureError';
  /** What was read before the failure (set by readCapture). */
  summary?: CaptureSummary;
  constructor(
    readonly kind: CaptureErrorKind,
    /** What is wrong, without the offset (the message appends "at byte N"). */
    readonly what: string,
    /** Byte offset in the (decompressed) input; null when the file could not be opened. */
    readonly offset: number | null,
  ) {
    super(offset === null ? what : `${what} at byte ${offset}`);
  }
}

export type CaptureWarningKind =
  | 'truncated' // the input ends inside a record or block: everything before it was read
  | 'timestamp' // a timestamp field out of range, normalised
  | 'no-packets'; // a well-formed capture with no packet records in it

export interface CaptureWarning {
  readonly kind: CaptureWarningKind;
  readonly what: string;
  readonly offset: number;
}

export function formatWarning(w: CaptureWarning): string {
  return `${w.what} at byte ${w.offset}`;
}
