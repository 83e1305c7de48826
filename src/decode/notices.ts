import { linkTypeName } from './link-names.js';
import type { DecodeCounts } from './packet.js';

/**
 * Decoding problems worth one line each per file: frames skipped for their link type,
 * headers that were malformed or cut short, TCP fragments not reassembled. None of them
 * is fatal.
 */
export function decodeNotices(counts: DecodeCounts): string[] {
  const notices: string[] = [];
  for (const [linkType, { frames, firstFrame }] of counts.unsupportedLinkTypes) {
    notices.push(`${frames} frame${frames === 1 ? '' : 's'} of link type ${linkTypeName(linkType)} skipped: not decoded by this tool (first: frame ${firstFrame})`);
  }
  const malformed = counts.byOutcome.malformed;
  if (malformed > 0) {
    notices.push(`${malformed} frame${malformed === 1 ? '' : 's'} with a malformed IP or TCP header skipped (first: frame ${counts.firstMalformedFrame})`);
  }
  const truncated = counts.byOutcome.truncated;
  if (truncated > 0) {
    notices.push(`${truncated} frame${truncated === 1 ? '' : 's'} cut short before the TCP header skipped (first: frame ${counts.firstTruncatedFrame}; snapshot length too small?)`);
  }
  if (counts.tcpFragments > 0) {
    const n = counts.tcpFragments;
    notices.push(`${n} later fragment${n === 1 ? '' : 's'} of fragmented TCP datagrams not reassembled (first: frame ${counts.firstTcpFragmentFrame}): the TCP data they carry is not counted`);
  }
  return notices;
}
