import { describe, expect, it } from 'vitest';
import { baselineRows, diffRows, HAS_ZEEK, traces, zeekRows } from './baselines.js';

/**
 * Zeek's own test traces against the conn.log Zeek wrote for them (shared/zeek, see its
 * README): every TCP row, field by field (uids and masked timestamps aside).
 */
describe.skipIf(!HAS_ZEEK)("Zeek's conn.log for Zeek's traces", () => {
  for (const trace of HAS_ZEEK ? traces() : []) {
    it(`${trace.id} ${trace.capture.split('/').pop()} (${trace.command})`, async () => {
      // `zeek -C` leaves checksums unchecked; without it Zeek drops bad ones.
      const validateChecksums = !/(^|\s)-C(\s|$)/.test(trace.command);
      const rows = await zeekRows(trace.capture, { validateChecksums });
      const diff = diffRows(baselineRows(trace.baseline), rows);
      expect(diff.join('\n'), diff.join('\n')).toBe('');
    });
  }
});

describe.skipIf(!HAS_ZEEK)('the comparison itself', () => {
  it('reports a changed field, a missing row and a different order', async () => {
    const trace = traces().find((t) => t.id === '074')!;
    const expected = baselineRows(trace.baseline);
    const rows = await zeekRows(trace.capture);
    expect(diffRows(expected, rows)).toEqual([]);
    expect(diffRows(expected, rows.map((r, i) => (i === 3 ? { ...r, history: r.history + 'x' } : r)))[0]).toMatch(/differs in history/);
    expect(diffRows(expected, rows.slice(1)).join('\n')).toMatch(/\(no row\)/);
    expect(diffRows(expected, [...rows.slice(6), ...rows.slice(0, 6)]).join('\n')).toMatch(/row order differs/);
  });
});
