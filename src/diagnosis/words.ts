import type { TrackedConnection } from '../track/report.js';

/** A moment of the connection as an offset from its first packet. */
export function when(c: TrackedConnection, time: number): string {
  return `+${(time - c.start).toFixed(3)} s`;
}

/** A span of time in words, in the unit that shows it: "350 us", "41.2 ms", "12.3 s". */
export function span(seconds: number): string {
  if (seconds < 0.001) return `${Math.round(seconds * 1e6)} us`;
  if (seconds < 1) return `${(seconds * 1e3).toFixed(1)} ms`;
  return `${seconds.toFixed(1)} s`;
}

/** Intervals between transmissions, in words: back-off or a steady pace. */
export function pacing(times: readonly number[]): string {
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  // Timers jitter and a capture's clock with them: a gap may fall short of the last.
  // (One gap is no trend: it cannot exceed itself.)
  const growing = gaps.every((g, i) => i === 0 || g >= gaps[i - 1]! * 0.5) && gaps.at(-1)! > gaps[0]! * 1.5;
  return growing ? `with growing back-off (${gaps.map(span).join(', ')} apart)` : `${span(gaps.reduce((a, b) => a + b, 0) / gaps.length)} apart on average`;
}
