import type { Readable } from 'node:stream';
import { i32le } from './byte-order.js';
import { ReadContext, type PacketVisitor, type StatisticsEnd } from './context.js';
import { compressionOf, CompressionFault, decompressingSource, type Compression, type DecompressedSource } from './decompress.js';
import { CaptureError, type CaptureWarning } from './errors.js';
import { pcapFlavour, readPcap } from './pcap.js';
import { readPcapng, SECTION_HEADER } from './pcapng.js';
import { openFileSource, streamSource, type ByteSource } from './source.js';
import { ByteWindow } from './window.js';

export type CaptureFormat = 'pcap' | 'pcap-ns' | 'pcapng';

/** A path, `-` for standard input, or any readable byte stream. */
export type CaptureInput = string | Readable;

/** What the reader learnt about a capture once it has read it (or failed part way). */
export interface CaptureSummary {
  format: CaptureFormat | null;
  compression: Compression;
  /** Frames as Wireshark numbers them: packets plus non-packet records (pcapng custom blocks). */
  frames: number;
  /** How many of `frames` are not packets (never passed to the visitor). */
  nonPacketFrames: number;
  /** Frames per LINKTYPE_* value. */
  linkTypes: Map<number, number>;
  warnings: CaptureWarning[];
  /** pcapng Interface Statistics Block end times, as written (see docs/endings.md on trusting them). */
  statisticsEnds: StatisticsEnd[];
  /** The application that wrote the last pcapng section, if it said. */
  writer: string | null;
}

export interface ReadOptions {
  /** Window size in bytes (tests use tiny windows to exercise every straddle). */
  windowBytes?: number;
  /**
   * Awaited before each read from the input: a consumer that writes output flushes it
   * here, so a slow stdout slows the reading instead of filling memory.
   */
  beforeRead?: () => Promise<void> | void;
  /** Called with the bytes read from the file itself so far (compressed bytes for a compressed file). */
  onProgress?: (bytesRead: number) => void;
}

/**
 * Streams every packet record of a capture to `visit`, in file order, and returns what
 * it learnt. The record passed to `visit` is reused (see PacketRecord). On a structural
 * error it throws a CaptureError after every record before the error was visited; the
 * partial summary is on the error's `summary`.
 */
export async function readCapture(input: CaptureInput, visit: PacketVisitor, options: ReadOptions = {}): Promise<CaptureSummary> {
  const raw = counting(await openInput(input), options.onProgress);
  let window = new ByteWindow(raw, options.windowBytes, options.beforeRead);
  const summary: CaptureSummary = {
    format: null,
    compression: 'none',
    frames: 0,
    nonPacketFrames: 0,
    linkTypes: new Map(),
    warnings: [],
    statisticsEnds: [],
    writer: null,
  };
  let ctx: ReadContext | null = null;
  let decompressed: DecompressedSource | null = null;
  try {
    const opened = await decompressedWindow(window, raw, options);
    window = opened.window;
    summary.compression = opened.compression;
    decompressed = opened.decompressed;
    // A damaged compressed stream fails here, at an offset in the decompressed data.
    await window.need(4);
    ctx = new ReadContext(window, visit);
    summary.linkTypes = ctx.linkTypes;
    summary.warnings = ctx.warnings;
    summary.statisticsEnds = ctx.statisticsEnds;
    await readFormat(ctx, summary);
    if (ctx.frames === ctx.nonPacketFrames) ctx.warn('no-packets', 'the capture holds no packets', window.offsetOf(window.end));
    if (decompressed?.cutShort === true) {
      ctx.warn('truncated', `${summary.compression} stream ends early: the file was cut short`, window.offsetOf(window.end));
    }
  } catch (err) {
    const failure = asCaptureError(err, window);
    failure.summary = finish(summary, ctx);
    throw failure;
  } finally {
    await window.close().catch(() => undefined);
  }
  return finish(summary, ctx);
}

/** The capture's own bytes: `window` itself, or a new window (nothing read yet) over its decompression when it starts as gzip or zstd. */
async function decompressedWindow(window: ByteWindow, raw: ByteSource, options: ReadOptions): Promise<{ window: ByteWindow; compression: Compression; decompressed: DecompressedSource | null }> {
  await window.need(4);
  const compression = compressionOf(window.buf.subarray(window.start, window.end));
  if (compression === 'none') return { window, compression, decompressed: null };
  const decompressed = decompressingSource(compression, await window.takeRemaining(), raw);
  return { window: new ByteWindow(decompressed, options.windowBytes, options.beforeRead), compression, decompressed };
}

/**
 * A window over a capture's bytes, decompressed, for a consumer that walks the file's
 * own structure (annotate copies its blocks). Read it with readCapture first: this does
 * not check the format, and its errors are not CaptureErrors.
 */
export async function openCaptureBytes(path: string): Promise<ByteWindow> {
  const raw = await openInput(path);
  const window = new ByteWindow(raw);
  return (await decompressedWindow(window, raw, {})).window;
}

function finish(summary: CaptureSummary, ctx: ReadContext | null): CaptureSummary {
  if (ctx !== null) {
    ctx.flushLinkTypes();
    summary.frames = ctx.frames;
    summary.nonPacketFrames = ctx.nonPacketFrames;
    summary.writer = ctx.writer;
  }
  return summary;
}

async function readFormat(ctx: ReadContext, summary: CaptureSummary): Promise<void> {
  const w = ctx.window;
  if (w.available === 0) ctx.fail('unknown-format', 'empty input, not a capture', w.offsetOf(w.start));
  if (w.available < 4) ctx.fail('unknown-format', `only ${w.available} bytes, not a capture`, w.offsetOf(w.start));
  const magic = (i32le(w.buf, w.start) >>> 0);
  if (magic === SECTION_HEADER) {
    summary.format = 'pcapng';
    return readPcapng(ctx);
  }
  const flavour = pcapFlavour(magic);
  if (flavour !== null) {
    summary.format = flavour.nanoseconds ? 'pcap-ns' : 'pcap';
    return readPcap(ctx, flavour);
  }
  ctx.fail('unknown-format', describeForeign(w.buf.subarray(w.start, Math.min(w.end, w.start + 8)), summary.compression), w.offsetOf(w.start));
}

/** A helpful name for formats people hand us by mistake. */
function describeForeign(first: Buffer, compression: Compression): string {
  const inside = compression === 'none' ? '' : ` (inside ${compression})`;
  if (first.toString('latin1', 0, 5) === 'snoop') return `a Solaris snoop capture${inside}, not pcap or pcapng (convert it with: editcap -F pcap)`;
  if ((i32le(first, 0) >>> 0) === 0xa1b2cd34) return `a Kuznetzov-modified pcap${inside}, not supported (convert it with: editcap -F pcap)`;
  const hex = [...first.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `not a pcap or pcapng capture${inside} (starts with ${hex})`;
}

/** The source, reporting how many bytes it has handed out so far. */
function counting(source: ByteSource, onProgress: ((bytes: number) => void) | undefined): ByteSource {
  if (onProgress === undefined) return source;
  let total = 0;
  return {
    size: source.size,
    close: () => source.close(),
    async read(into, offset, length) {
      const n = await source.read(into, offset, length);
      total += n;
      onProgress(total);
      return n;
    },
  };
}

async function openInput(input: CaptureInput): Promise<ByteSource> {
  if (typeof input !== 'string') return streamSource(input);
  if (input === '-') return streamSource(process.stdin);
  try {
    return await openFileSource(input);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : `cannot open (${code ?? String(err)})`;
    throw new CaptureError('io', what, null);
  }
}

function asCaptureError(err: unknown, window: ByteWindow): CaptureError {
  if (err instanceof CaptureError) return err;
  if (err instanceof CompressionFault) return new CaptureError('compression', err.message, window.offsetOf(window.end));
  const what = err instanceof Error ? err.message : String(err);
  return new CaptureError('io', `read failed (${what})`, window.offsetOf(window.end));
}
