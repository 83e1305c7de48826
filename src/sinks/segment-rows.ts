import type { PacketRecord } from '../capture/record.js';
import { formatAddress } from '../decode/address.js';
import type { DecodeOutcome, PacketDecoder } from '../decode/packet.js';
import { unsignedSeq } from '../state/seq.js';

/**
 * One tab-separated row per TCP segment or TCP-quoting ICMP error, in the columns of
 * the fixtures' `.frames.tsv` truth files (made from tshark by fixtures/tools), so the
 * decoder can be compared with Wireshark frame by frame.
 */
export const SEGMENT_COLUMNS = [
  'frame', 'time', 'src', 'sport', 'dst', 'dport', 'flags', 'seq', 'ack', 'len', 'win',
  'hdrlen', 'mss', 'wscale', 'sackperm', 'sack', 'tsval', 'tsecr', 'icmp',
] as const;

/** Seconds.nanoseconds with all nine digits, as tshark prints frame.time_epoch. */
export function formatTimestamp(tsSec: number, tsNsec: number): string {
  return `${tsSec}.${String(tsNsec).padStart(9, '0')}`;
}

/** The row for a decoded frame, or null for frames that are neither TCP nor ICMP-about-TCP. */
export function segmentRow(rec: PacketRecord, decoder: PacketDecoder, outcome: DecodeOutcome): string | null {
  // Wireshark leaves the time empty for frames without one (pcapng simple packet blocks).
  const time = rec.hasTimestamp ? formatTimestamp(rec.tsSec, rec.tsNsec) : '';
  if (outcome === 'icmp-error') {
    const { icmp } = decoder;
    const q = icmp.quoted;
    const v = q.version;
    return [rec.frame, time, formatAddress(v, q.src), icmp.quotedSrcPort, formatAddress(v, q.dst), icmp.quotedDstPort,
      '', icmp.quotedSeq, '', '', '', '', '', '', '', '', '', '', `${icmp.type}/${icmp.code}`].join('\t');
  }
  if (outcome !== 'tcp') return null;
  const { ip, tcp } = decoder;
  const v = ip.version;
  const sack: number[] = [];
  for (let i = 0; i < tcp.sackCount * 2; i++) sack.push(tcp.sackBlocks[i]!);
  return [
    rec.frame, time, formatAddress(v, ip.src), tcp.srcPort, formatAddress(v, ip.dst), tcp.dstPort,
    `0x${tcp.flags.toString(16).padStart(4, '0')}`, unsignedSeq(tcp.seq), unsignedSeq(tcp.ack), tcp.payloadLength, tcp.window, tcp.headerLength,
    tcp.mss < 0 ? '' : tcp.mss, tcp.windowScale < 0 ? '' : tcp.windowScale, tcp.sackPermitted ? '1' : '', sack.join(','),
    tcp.hasTimestamps ? tcp.tsVal : '', tcp.hasTimestamps ? tcp.tsEcr : '', '',
  ].join('\t');
}
