import { linkTypeName } from './link-names.js';
import type { DecodeCounts } from './packet.js';

/**
 * Decoding problems worth one line each per file: frames skipped for their link type,
 * and headers that were malformed or cut short. None of them is fatal.
 */
export function decodeNotices(counts: DecodeCounts): string[] {
  const notices: string[] = [];
  for (const [linkType, frames] of counts.unsupportedLinkTypes) {
    notices.push(`${frames} frame${frames === 1 ? '' : 's'} of link type ${linkTypeName(linkType)} skipped: not decoded by this tool`);
  }
  const malformed = counts.byOutcome.malformed;
  if (malformed > 0) {
    notices.push(`${malformed} frame${malformed === 1 ? '' : 's'} with a malformed IP or TCP header skipped (first: frame ${counts.firstMalformedFrame})`);
  }
  const truncated = counts.byOutcome.truncated;
  if (truncated > 0) {
    notices.push(`${truncated} frame${truncated === 1 ? '' : 's'} cut short before the TCP header skipped (first: frame ${counts.firstTruncatedFrame}; snapshot length too small?)`);
  }
  return notices;
}
