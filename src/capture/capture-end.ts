import type { StatisticsEnd } from './context.js';

/** When the capture stopped, and what says so. */
export interface CaptureEnd {
  tsSec: number;
  tsNsec: number;
  source:
    | 'statistics-block' // a pcapng Interface Statistics Block's isb_endtime, as written
    | 'statistics-block-microseconds' // the same, read as microseconds (dumpcap 4.0, see below)
    | 'last-packet'; // no trustworthy statement: the last packet of any kind
}

interface Time {
  tsSec: number;
  tsNsec: number;
}

/** How far past the last packet a stated end may lie and still be believed. */
const PLAUSIBLE_NS = 86_400n * 1_000_000_000n;

/**
 * The capture's end time (docs/endings.md, "The end of the capture"): the latest ISB
 * isb_endtime when it is plausible, else the last packet. Plausible means not before
 * the last packet and not more than a day after it. dumpcap 4.0 writes the ISB times
 * in microseconds while its interface declares nanoseconds (linux-notes.md), which puts
 * them in 1970; such a value, read as microseconds, is taken when that makes it plausible.
 */
export function captureEnd(statisticsEnds: readonly StatisticsEnd[], lastPacket: Time | null): CaptureEnd | null {
  if (lastPacket === null) return null;
  const last = nanos(lastPacket);
  const stated = statisticsEnds.reduce<bigint | null>((latest, e) => {
    const t = nanos(e);
    return latest === null || t > latest ? t : latest;
  }, null);
  if (stated !== null) {
    if (plausible(stated, last)) return { ...split(stated), source: 'statistics-block' };
    if (plausible(stated * 1000n, last)) return { ...split(stated * 1000n), source: 'statistics-block-microseconds' };
  }
  return { tsSec: lastPacket.tsSec, tsNsec: lastPacket.tsNsec, source: 'last-packet' };
}

function nanos(t: Time): bigint {
  return BigInt(t.tsSec) * 1_000_000_000n + BigInt(t.tsNsec);
}

function split(ns: bigint): Time {
  return { tsSec: Number(ns / 1_000_000_000n), tsNsec: Number(ns % 1_000_000_000n) };
}

function plausible(end: bigint, last: bigint): boolean {
  return end >= last && end - last <= PLAUSIBLE_NS;
}
