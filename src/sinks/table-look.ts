import type { ConnectionReport } from '../diagnosis/report.js';
import { NO_BREAK, wrap } from './text.js';
import type { TimeFormat } from './time.js';
import { formatEndpoint } from '../track/report.js';

/** How a table looks: the width to fit (null: lines whole, for pipes), colour, and how times read. */
export interface TableLook {
  width: number | null;
  colour: boolean;
  time: TimeFormat;
}

/** "client → server", breaking (when it must) before the arrow, so the server starts the second line. */
export function endpoints(c: Pick<ConnectionReport, 'client' | 'server'>): string {
  return `${formatEndpoint(c.client)} →${NO_BREAK}${formatEndpoint(c.server)}`;
}

/** The line under a table that left `omitted` connections out ('' when none), wrapped to `width`. */
export function omittedLine(omitted: number, width: number | null): string {
  if (omitted === 0) return '';
  return wrap(`... and ${omitted} more connection${omitted === 1 ? '' : 's'} (--limit 0 shows all; --format ndjson lists them for tools)`, width, '    ').join('\n') + '\n';
}
