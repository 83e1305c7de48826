import type { PacketRecord } from '../capture/record.js';
import { captureEnd, type CaptureEnd } from '../capture/capture-end.js';
import { linkTypeName } from '../decode/link-names.js';
import type { DecodeCounts, DecodeOutcome, PacketDecoder } from '../decode/packet.js';
import type { PacketFileEnd, PacketSink } from '../pipeline/packets.js';
import { readWarnings } from '../pipeline/warnings.js';
import { formatTimestamp } from './segment-rows.js';
import { largest } from './text.js';

/** What `info` reports about one capture. */
export interface CaptureInfo {
  file: string;
  format: string | null;
  compression: string;
  frames: number;
  nonPacketFrames: number;
  linkTypes: Record<string, number>;
  /** Frames per kind of tunnel they came through (decode/tunnel.ts), the kinds seen. */
  tunnels: DecodeCounts['byTunnel'];
  decoded: DecodeCounts['byOutcome'];
  firstTime: string | null;
  lastTime: string | null;
  /** When the capture stopped, and the evidence for it (see capture-end.ts). */
  captureEnd: { time: string; source: CaptureEnd['source'] } | null;
  writer: string | null;
  warnings: string[];
  /** Why the read stopped early (the failure itself: the command words it), or null. */
  failure: Error | null;
}

/** `info`: each capture's format, contents, time span and problems, gathered as it is read. */
export class InfoSink implements PacketSink {
  readonly infos: CaptureInfo[] = [];
  private first: { tsSec: number; tsNsec: number } | null = null;
  private lastSec = 0;
  private lastNsec = 0;

  packet(rec: PacketRecord, _decoder: PacketDecoder, _outcome: DecodeOutcome): void {
    if (this.first === null) this.first = { tsSec: rec.tsSec, tsNsec: rec.tsNsec };
    this.lastSec = rec.tsSec;
    this.lastNsec = rec.tsNsec;
  }

  async flush(): Promise<void> {}

  async fileEnd(file: string, { summary, decoder, failure }: PacketFileEnd): Promise<void> {
    const last = this.first === null ? null : { tsSec: this.lastSec, tsNsec: this.lastNsec };
    const end = captureEnd(summary?.statisticsEnds ?? [], last);
    this.infos.push({
      file,
      format: summary?.format ?? null,
      compression: summary?.compression ?? 'none',
      frames: summary?.frames ?? 0,
      nonPacketFrames: summary?.nonPacketFrames ?? 0,
      linkTypes: Object.fromEntries([...(summary?.linkTypes ?? [])].map(([lt, n]) => [linkTypeName(lt), n])),
      tunnels: decoder.counts.byTunnel,
      decoded: decoder.counts.byOutcome,
      firstTime: this.first === null ? null : formatTimestamp(this.first.tsSec, this.first.tsNsec),
      lastTime: last === null ? null : formatTimestamp(last.tsSec, last.tsNsec),
      captureEnd: end === null ? null : { time: formatTimestamp(end.tsSec, end.tsNsec), source: end.source },
      writer: summary?.writer ?? null,
      warnings: readWarnings(summary, decoder.counts),
      failure,
    });
    this.first = null;
  }
}

const END_SOURCES: Record<CaptureEnd['source'], string> = {
  'statistics-block': 'pcapng statistics block',
  'statistics-block-microseconds': 'pcapng statistics block, written in microseconds as dumpcap 4.0 does',
  'last-packet': 'last packet',
};

/** One capture's info as aligned `name  value` lines under its file name. */
export function infoText(info: CaptureInfo): string {
  const d = info.decoded;
  const rows: [string, string][] = [
    ['format', `${info.format ?? 'unknown'}${info.compression === 'none' ? '' : ` (${info.compression})`}`],
    ['frames', `${info.frames}${info.nonPacketFrames > 0 ? ` (${info.nonPacketFrames} not packets)` : ''}`],
    ['link types', Object.entries(info.linkTypes).map(([name, n]) => `${name}: ${n}`).join(', ') || '-'],
    ...(Object.keys(info.tunnels).length === 0 ? [] : [['tunnels', Object.entries(info.tunnels).map(([kind, n]) => `${kind}: ${n}`).join(', ')] as [string, string]]),
    ['TCP segments', String(d.tcp)],
    ['ICMP about TCP', String(d['icmp-error'])],
    ['other', `${d['other-ip']} other IP, ${d.fragment} fragments, ${d['not-ip']} not IP, ${d['unsupported-link']} undecoded link, ${d.truncated} truncated, ${d.malformed} malformed${d['bad-checksum'] > 0 ? `, ${d['bad-checksum']} bad checksum` : ''}`],
    ['first packet', info.firstTime ?? '-'],
    ['last packet', info.lastTime ?? '-'],
  ];
  if (info.captureEnd !== null) rows.push(['capture end', `${info.captureEnd.time} (${END_SOURCES[info.captureEnd.source]})`]);
  if (info.writer !== null) rows.push(['written by', info.writer]);
  const width = largest(rows.map(([k]) => k.length));
  return `${info.file}\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}
