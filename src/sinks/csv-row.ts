import type { ConnectionReport } from '../diagnosis/report.js';
import { formatEndpoint } from '../track/report.js';

/** RFC 4180: quote a field with commas, quotes or line breaks; double the quotes. */
function field(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_COLUMNS = [
  'file', 'stream', 'client', 'server', 'start', 'end', 'duration', 'ending', 'detail', 'closer',
  'packets_client', 'packets_server', 'bytes_client', 'bytes_server', 'flags', 'zeek_conn_state',
  'zeek_history', 'filter', 'explanation', 'community_id',
] as const;

export function csvHeader(): string {
  return CSV_COLUMNS.join(',');
}

export function csvRow(file: string, c: ConnectionReport): string {
  return [
    file, c.stream, formatEndpoint(c.client), formatEndpoint(c.server), c.start.toFixed(6), c.end.toFixed(6),
    (c.end - c.start).toFixed(6), c.ending, c.detail, c.closer, c.packets.client, c.packets.server, c.bytes.client,
    c.bytes.server, c.flags.join(' '), c.zeek.connState, c.zeek.history, c.filter, c.explanation, c.communityId,
  ].map(field).join(',');
}
