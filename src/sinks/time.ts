/**
 * A time in capture time, as people read it next to Wireshark and logs: the date and
 * the clock in UTC, to the millisecond (`2026-12-04 17:55:45.123`). UTC because a
 * capture is read far from where it was taken; the caller says "UTC" once, in a
 * heading or after the time.
 */
export function utcTime(seconds: number): string {
  return new Date(Math.round(seconds * 1000)).toISOString().replace('T', ' ').slice(0, 23);
}

/** How table rows give a connection's start: the date and time, or seconds since the capture's first packet. */
export type TimeFormat = 'absolute' | 'relative';

/**
 * How a table gives start times: relative needs the capture's first packet, which a
 * capture that failed to read does not report; its times are then absolute, and the
 * column says so.
 */
export function timeFormat(asked: TimeFormat, firstPacket: number | null): TimeFormat {
  return firstPacket === null ? 'absolute' : asked;
}

/** The start column's heading. */
export function startHeading(format: TimeFormat): string {
  return format === 'absolute' ? 'start (UTC)' : 'start';
}

/** A connection's start in `format`; relative to `firstPacket` (the first packet of the capture). */
export function startTime(start: number, format: TimeFormat, firstPacket: number | null): string {
  if (timeFormat(format, firstPacket) === 'absolute') return utcTime(start);
  return `+${(start - firstPacket!).toFixed(3)}s`;
}
