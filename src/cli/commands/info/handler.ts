import { largest } from '../../../sinks/text.js';
import { readCapture, type CaptureSummary } from '../../../capture/reader.js';
import { formatWarning } from '../../../capture/errors.js';
import { captureEnd, type CaptureEnd } from '../../../capture/capture-end.js';
import { linkTypeName } from '../../../decode/link-names.js';
import { decodeNotices } from '../../../decode/notices.js';
import { PacketDecoder, type DecodeCounts } from '../../../decode/packet.js';
import { formatTimestamp } from '../../../sinks/segment-rows.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, warningLine } from '../../fail.js';
import { writeOut } from '../../../sinks/stdout.js';

export interface InfoArgs {
  files: string[];
  json: boolean;
}

/** What `info` reports about one capture. */
export interface CaptureInfo {
  file: string;
  format: string | null;
  compression: string;
  frames: number;
  nonPacketFrames: number;
  linkTypes: Record<string, number>;
  decoded: DecodeCounts['byOutcome'];
  firstTime: string | null;
  lastTime: string | null;
  /** When the capture stopped, and the evidence for it (see capture-end.ts). */
  captureEnd: { time: string; source: CaptureEnd['source'] } | null;
  writer: string | null;
  warnings: string[];
  error: string | null;
}

/** Reads each capture to the end and reports its format, contents and problems. */
export async function infoHandler(args: InfoArgs): Promise<number> {
  let exitCode = EXIT_OK;
  const infos: CaptureInfo[] = [];
  for (const file of args.files) {
    const info = await describe(file);
    if (info.error !== null) exitCode = EXIT_BAD_INPUT;
    for (const w of info.warnings) process.stderr.write(warningLine(file, w) + '\n');
    if (info.error !== null) process.stderr.write(`${info.error}\n`);
    // A file that could not be opened or recognised has nothing to describe.
    if (info.format !== null || args.json) infos.push(info);
  }
  await writeOut(args.json ? JSON.stringify(infos, null, 2) + '\n' : infos.map(renderInfo).join('\n'));
  return exitCode;
}

async function describe(file: string): Promise<CaptureInfo> {
  const decoder = new PacketDecoder();
  let first: string | null = null;
  let last: string | null = null;
  let lastSec = 0;
  let lastNsec = 0;
  let summary: CaptureSummary | undefined;
  let error: string | null = null;
  try {
    summary = await readCapture(file, (rec) => {
      if (first === null) first = formatTimestamp(rec.tsSec, rec.tsNsec);
      lastSec = rec.tsSec;
      lastNsec = rec.tsNsec;
      decoder.decode(rec);
    });
  } catch (err) {
    error = failureLine(file, err);
    summary = (err as { summary?: CaptureSummary }).summary;
  }
  if (first !== null) last = formatTimestamp(lastSec, lastNsec);
  const end = captureEnd(summary?.statisticsEnds ?? [], first === null ? null : { tsSec: lastSec, tsNsec: lastNsec });
  return {
    file,
    format: summary?.format ?? null,
    compression: summary?.compression ?? 'none',
    frames: summary?.frames ?? 0,
    nonPacketFrames: summary?.nonPacketFrames ?? 0,
    linkTypes: Object.fromEntries([...(summary?.linkTypes ?? [])].map(([lt, n]) => [linkTypeName(lt), n])),
    decoded: decoder.counts.byOutcome,
    firstTime: first,
    lastTime: last,
    captureEnd: end === null ? null : { time: formatTimestamp(end.tsSec, end.tsNsec), source: end.source },
    writer: summary?.writer ?? null,
    warnings: [...(summary?.warnings ?? []).map(formatWarning), ...decodeNotices(decoder.counts)],
    error,
  };
}

const END_SOURCES: Record<CaptureEnd['source'], string> = {
  'statistics-block': 'pcapng statistics block',
  'statistics-block-microseconds': 'pcapng statistics block, written in microseconds as dumpcap 4.0 does',
  'last-packet': 'last packet',
};

function renderInfo(info: CaptureInfo): string {
  const d = info.decoded;
  const rows: [string, string][] = [
    ['format', `${info.format ?? 'unknown'}${info.compression === 'none' ? '' : ` (${info.compression})`}`],
    ['frames', `${info.frames}${info.nonPacketFrames > 0 ? ` (${info.nonPacketFrames} not packets)` : ''}`],
    ['link types', Object.entries(info.linkTypes).map(([name, n]) => `${name}: ${n}`).join(', ') || '-'],
    ['TCP segments', String(d.tcp)],
    ['ICMP about TCP', String(d['icmp-error'])],
    ['other', `${d['other-ip']} other IP, ${d.fragment} fragments, ${d['not-ip']} not IP, ${d['unsupported-link']} undecoded link, ${d.truncated} truncated, ${d.malformed} malformed`],
    ['first packet', info.firstTime ?? '-'],
    ['last packet', info.lastTime ?? '-'],
  ];
  if (info.captureEnd !== null) rows.push(['capture end', `${info.captureEnd.time} (${END_SOURCES[info.captureEnd.source]})`]);
  if (info.writer !== null) rows.push(['written by', info.writer]);
  const width = largest(rows.map(([k]) => k.length));
  return `${info.file}\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

