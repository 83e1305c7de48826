import { linkTypeName } from './link-names.js';
import type { DecodeCounts } from './packet.js';

/**
 * Decoding problems worth one line each per file: frames skipped for their link type,
 * headers that were malformed or cut short, TCP datagrams whose fragments never all came,
 * UDP ports that seem to carry a tunnel not decoded. None of them
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
  const bad = counts.byOutcome['bad-checksum'];
  if (bad > 0) {
    notices.push(
      `${bad} TCP segment${bad === 1 ? '' : 's'} with a bad IPv4 header or TCP checksum left out (--checksums; first: frame ${counts.firstBadChecksumFrame}): ` +
        'a capture taken on a sending host holds checksums its NIC had yet to fill in (offload); leave --checksums off for such a capture',
    );
  }
  const fragments = counts.incompleteTcpFragments;
  if (fragments.frames > 0) {
    const n = fragments.frames;
    notices.push(`${n} fragment${n === 1 ? '' : 's'} of TCP datagrams never completed (first: frame ${fragments.firstFrame}): the TCP they carry is not seen`);
  }
  for (const [port, { kind, datagrams, firstFrame }] of counts.tunnelGuesses) {
    notices.push(`${datagrams} UDP datagram${datagrams === 1 ? '' : 's'} on port ${port} look${datagrams === 1 ? 's' : ''} like ${kind} carrying TCP, not read as a tunnel (first: frame ${firstFrame}): decode port ${port} as ${kind} (--decode-as ${port}=${kind}) to see the connections inside`);
  }
  return notices;
}
