import { describe, expect, it } from 'vitest';
import { captureEnd } from '../../src/capture/capture-end.js';

const last = { tsSec: 1_795_238_640, tsNsec: 636_088_418 };
const isb = (tsSec: number, tsNsec: number) => ({ interfaceId: 0, tsSec, tsNsec, afterFrame: 46 });

describe('capture end', () => {
  it('believes a statistics block that ends after the last packet', () => {
    expect(captureEnd([isb(1_795_238_640, 952_515_000)], last)).toEqual({ tsSec: 1_795_238_640, tsNsec: 952_515_000, source: 'statistics-block' });
  });

  it("reads dumpcap 4.0's microseconds-as-nanoseconds end time as microseconds", () => {
    // A value as dumpcap 4.0.17 writes it (from an earlier recording of fixtures/reader/eth-dumpcap.pcapng;
    // the CLI test checks the current file).
    expect(captureEnd([isb(1_795_238, 640_952_515)], last)).toEqual({ tsSec: 1_795_238_640, tsNsec: 952_515_000, source: 'statistics-block-microseconds' });
  });

  it('falls back to the last packet when the stated end is before it or far away', () => {
    expect(captureEnd([isb(1_795_238_600, 0)], last)?.source).toBe('last-packet');
    expect(captureEnd([isb(2_500_000_000, 0)], last)?.source).toBe('last-packet');
    expect(captureEnd([], last)).toEqual({ ...last, source: 'last-packet' });
    expect(captureEnd([], null)).toBeNull();
  });

  it('takes the latest of several interfaces', () => {
    expect(captureEnd([isb(1_795_238_641, 0), isb(1_795_238_642, 5)], last)).toMatchObject({ tsSec: 1_795_238_642, tsNsec: 5 });
  });
});
