import { describe, expect, it } from 'vitest';
import { parseTsResolution, unitsToTime } from '../../src/capture/timestamp.js';

/** unitsToTime splits 64-bit unit counts without BigInt; BigInt is the reference here. */
function reference(hi: number, lo: number, resolutionByte: number, offset: number): [number, number] {
  const units = (BigInt(hi) << 32n) | BigInt(lo);
  const n = BigInt(resolutionByte & 0x7f);
  const perSecond = resolutionByte & 0x80 ? 1n << n : 10n ** n;
  const nanos = ((units % perSecond) * 1_000_000_000n) / perSecond;
  return [Number(units / perSecond) + offset, Number(nanos)];
}

describe('pcapng timestamps', () => {
  const resolutions = [0, 3, 6, 9, 0x80 | 10, 0x80 | 20, 0x80 | 23];
  it('split into seconds and nanoseconds exactly for decimal and binary resolutions', () => {
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) * 2 + (seed & 1);
    for (const res of resolutions) {
      for (let i = 0; i < 2000; i++) {
        const lo = next() >>> 0;
        // Keep the seconds within what a double holds exactly for these resolutions.
        const hi = next() % (res === 0 ? 2 ** 20 : 2 ** 30);
        const out = { tsSec: 0, tsNsec: 0 };
        unitsToTime(hi, lo, parseTsResolution(res), -7, out);
        expect([out.tsSec, out.tsNsec]).toEqual(reference(hi, lo, res, -7));
      }
    }
  });

  it('read the if_tsresol byte as a power of ten or of two', () => {
    expect(parseTsResolution(6)).toEqual({ unitsPerSecond: 1e6, decimalExponent: 6 });
    expect(parseTsResolution(0x80 | 10)).toEqual({ unitsPerSecond: 1024, decimalExponent: -1 });
  });

  it('fall back to exact big-integer division for resolutions finer than 2^-37', () => {
    const out = { tsSec: 0, tsNsec: 0 };
    unitsToTime(0x12345, 0x6789abcd, parseTsResolution(12), 0, out);
    expect([out.tsSec, out.tsNsec]).toEqual(reference(0x12345, 0x6789abcd, 12, 0));
  });
});
