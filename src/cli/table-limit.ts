import type { Argv } from 'yargs';
import { wrap } from '../report/text.js';

/**
 * Tables show at most this many connections by default. Laying out 36,000 rows
 * (a 1 GB capture) took minutes, and nobody reads them in a terminal: the
 * summary counts every connection, and CSV or NDJSON list them all for tools.
 */
export const DEFAULT_TABLE_ROWS = 100;

export interface LimitArgs {
  /** Table rows shown (0: all). */
  limit: number;
}

/** The --limit option, for commands that print a table of connections. */
export function withLimit<T>(y: Argv<T>): Argv<T & LimitArgs> {
  return y
    .option('limit', { type: 'number', default: DEFAULT_TABLE_ROWS, describe: 'table rows shown, 0 for all' })
    .check((a) => {
      if (!Number.isInteger(a.limit) || a.limit < 0) throw new Error('--limit takes a whole number (0: no limit)');
      return true;
    });
}

/** The line under a table that left `omitted` connections out ('' when none), wrapped to `width`. */
export function omittedLine(omitted: number, width: number | null): string {
  if (omitted === 0) return '';
  return wrap(`... and ${omitted} more connection${omitted === 1 ? '' : 's'} (--limit 0 shows all; --format ndjson lists them for tools)`, width, '    ').join('\n') + '\n';
}
