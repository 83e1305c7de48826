import { CaptureError, type CaptureWarning, type CaptureWarningKind } from './errors.js';
import type { PacketRecord } from './record.js';
import { newPacketRecord } from './record.js';
import type { ByteWindow } from './window.js';

export type PacketVisitor = (record: PacketRecord) => void;

/** A capture's own statement of when it ended (pcapng Interface Statistics Block). */
export interface StatisticsEnd {
  interfaceId: number;
  tsSec: number;
  tsNsec: number;
  /** Frame count when the block was written: the ISB follows the packets it covers. */
  afterFrame: number;
}

/**
 * What one read of a capture shares between the format parsers and the caller: the
 * window, the single reused record, counters, warnings and facts about the file.
 */
export class ReadContext {
  readonly record: PacketRecord = newPacketRecord();
  readonly warnings: CaptureWarning[] = [];
  /** Frames seen per link type (complete once `flushLinkTypes` has run). */
  readonly linkTypes = new Map<number, number>();
  // Link types are counted in runs, touching the Map only when the type changes:
  // a Map update per packet showed up in profiles.
  private runLinkType = -1;
  private runFrames = 0;
  readonly statisticsEnds: StatisticsEnd[] = [];
  /** The writing application (pcapng shb_userappl) of the last section, if stated. */
  writer: string | null = null;
  /** Frame numbers taken by records that are not packets. */
  nonPacketFrames = 0;
  private readonly warnedKinds = new Set<CaptureWarningKind>();

  constructor(
    readonly window: ByteWindow,
    readonly visit: PacketVisitor,
  ) {}

  get frames(): number {
    return this.record.frame;
  }

  /** Hands the filled record to the visitor, numbering it. */
  emit(): void {
    const r = this.record;
    r.frame++;
    if (r.linkType !== this.runLinkType) this.startLinkTypeRun(r.linkType);
    this.runFrames++;
    this.visit(r);
  }

  /** Adds the current run of same-link-type frames to `linkTypes`. */
  flushLinkTypes(): void {
    if (this.runFrames > 0) this.linkTypes.set(this.runLinkType, (this.linkTypes.get(this.runLinkType) ?? 0) + this.runFrames);
    this.runFrames = 0;
  }

  private startLinkTypeRun(linkType: number): void {
    this.flushLinkTypes();
    this.runLinkType = linkType;
  }

  /** Numbers a frame that is not a packet (Wireshark counts some pcapng blocks as frames). */
  skipFrame(): void {
    this.record.frame++;
    this.nonPacketFrames++;
  }

  warn(kind: CaptureWarningKind, what: string, offset: number): void {
    this.warnings.push({ kind, what, offset });
  }

  /** Warns once per kind (for conditions that can repeat on every record). */
  warnOnce(kind: CaptureWarningKind, what: string, offset: number): void {
    if (this.warnedKinds.has(kind)) return;
    this.warnedKinds.add(kind);
    this.warn(kind, what, offset);
  }

  /** The input ended inside a record: a warning, everything before it stands. */
  cutShort(what: string): void {
    const w = this.window;
    this.warn('truncated', `${what}: the file was cut short (${w.available} bytes of it)`, w.offsetOf(w.start));
  }

  fail(kind: CaptureError['kind'], what: string, offset: number): never {
    throw new CaptureError(kind, what, offset);
  }
}
