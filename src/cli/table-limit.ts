import type { Argv } from 'yargs';

/**
 * Tables show at most this many connections by default. Nobody reads tens of
 * thousands of rows in a terminal, and laying them out takes long: the
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
