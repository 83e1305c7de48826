/**
 * pcapng timestamps are a 64-bit count of units since the epoch, where an interface's
 * `if_tsresol` says what a unit is (10^-n or 2^-n seconds; default 10^-6). They are
 * split here into whole seconds and nanoseconds without BigInt (which would allocate
 * per packet) by long division in 16-bit steps: exact while units-per-second < 2^37.
 */
export interface TsResolution {
  /** Units in one second. */
  readonly unitsPerSecond: number;
  /** n for a 10^-n resolution, or -1 for a power of two. */
  readonly decimalExponent: number;
}

export const MICROSECONDS: TsResolution = { unitsPerSecond: 1e6, decimalExponent: 6 };

const EXACT_DIVISION_LIMIT = 2 ** 37;

/** Decodes the if_tsresol option byte (pcapng spec, section 4.2). */
export function parseTsResolution(value: number): TsResolution {
  const n = value & 0x7f;
  if ((value & 0x80) !== 0) return { unitsPerSecond: 2 ** n, decimalExponent: -1 };
  return { unitsPerSecond: 10 ** n, decimalExponent: n };
}

/** The seconds/nanoseconds pair written by `unitsToTime`. */
export interface TimeOut {
  tsSec: number;
  tsNsec: number;
}

/**
 * Converts hi:lo units to seconds + nanoseconds, adding `offsetSeconds` (if_tsoffset).
 * `hi` and `lo` may be passed as read (signed int32, see byte-order.ts); they are taken
 * modulo 2^32 here.
 */
export function unitsToTime(signedHi: number, signedLo: number, res: TsResolution, offsetSeconds: number, out: TimeOut): void {
  const hi = signedHi >>> 0;
  const lo = signedLo >>> 0;
  const u = res.unitsPerSecond;
  let seconds: number;
  let fraction: number;
  if (u < EXACT_DIVISION_LIMIT) {
    let r = hi;
    const q1 = Math.floor(r / u);
    r -= q1 * u;
    r = r * 65536 + (lo >>> 16);
    const q2 = Math.floor(r / u);
    r -= q2 * u;
    r = r * 65536 + (lo & 0xffff);
    const q3 = Math.floor(r / u);
    fraction = r - q3 * u;
    seconds = (q1 * 65536 + q2) * 65536 + q3;
  } else {
    // Finer than ~7 ps per unit: rare enough that BigInt's allocation does not matter.
    const units = (BigInt(hi) << 32n) | BigInt(lo);
    const big = BigInt(u);
    seconds = Number(units / big);
    fraction = Number(units % big);
  }
  out.tsSec = seconds + offsetSeconds;
  out.tsNsec = fractionToNanoseconds(fraction, res);
}

function fractionToNanoseconds(fraction: number, res: TsResolution): number {
  const e = res.decimalExponent;
  if (e >= 0 && e <= 9) return fraction * 10 ** (9 - e);
  if (e > 9) return Math.floor(fraction / 10 ** (e - 9));
  // Binary fractions: exact up to 2^-23 units; beyond that the double product may be
  // off by one nanosecond, which is below what any capture clock resolves.
  return Math.floor((fraction * 1e9) / res.unitsPerSecond);
}
