import { withDecodeOptions } from '../../decode-options.js';
import type { CommandModule } from 'yargs';
import type { AnalyzeArgs } from './handler.js';
import { lazyHandler } from '../../run.js';
import { restoreStdinAll } from '../../stdin-arg.js';
import { ENDINGS } from '../../../diagnosis/types.js';
import { parseEndingSpec } from '../../../diagnosis/ending-spec.js';
import type { EndingFilter } from '../../../pipeline/filter.js';
import { withTrackerOptions } from '../../tracker-options.js';
import { withLimit } from '../../table-limit.js';
import { withThreads } from '../../threads.js';
import { withTime } from '../../table-look.js';
import { parseHostPattern } from '../../../pipeline/host-pattern.js';

/**
 * Accepts "reset,timeout" as well as a repeated option. Not yargs' `array`: an array
 * option swallows the file names that follow it as more values.
 */
const list = (values: string | string[]): string[] => [values].flat().flatMap((v) => String(v).split(',')).filter((v) => v !== '');

/**
 * A list option whose every value `parse` accepts, checked before any capture is read:
 * a typo in a filter must not match nothing quietly. Its error names the option.
 */
const checkedList =
  <T extends string>(option: string, parse: (text: string) => unknown) =>
  (values: string | string[]): T[] => {
    const texts = list(values);
    try {
      for (const t of texts) parse(t);
    } catch (err) {
      throw new Error(`--${option}: ${(err as Error).message}`);
    }
    return texts as T[];
  };

export const analyzeCommand: CommandModule<object, AnalyzeArgs> = {
  command: ['analyze <files..>', '$0 <files..>'],
  describe: 'How every TCP connection ended, and why (the default command)',
  builder: (y) =>
    withDecodeOptions(withTime(withThreads(withLimit(withTrackerOptions(y)))))
      .positional('files', { type: 'string', array: true, demandOption: true, coerce: restoreStdinAll, describe: 'capture files, or - for standard input' })
      .option('format', { choices: ['table', 'json', 'ndjson', 'csv', 'zeek', 'zeek-json', 'parquet'] as const, default: 'table' as const, describe: "output format (json and ndjson: one object per connection, fields in docs/output.md of the package; zeek and zeek-json: the conn.log Zeek would write, with each row's ending; parquet: NDJSON's fields as typed columns, to a file or a pipe)" })
      .option('sort', { choices: ['capture', 'problems', 'finish'] as const, default: 'capture' as const, describe: 'capture order, problems first, or (ndjson) as connections finish' })
      .option('ending', { type: 'string', coerce: checkedList<EndingFilter>('ending', parseEndingSpec), describe: `only these endings (${ENDINGS.join(', ')}), each optionally with a detail: reset:stale, timeout:connect` })
      .option('problems', { type: 'boolean', default: false, describe: 'only problems: every ending but graceful, simultaneous-close and open' })
      .option('host', { type: 'string', coerce: checkedList('host', parseHostPattern), describe: 'only connections with this address (IPv4 or IPv6, any spelling) or in this network (CIDR: 198.18.1.0/24) on either side' })
      .option('port', { type: 'string', coerce: (v: string | string[]) => list(v).map(Number), describe: 'only connections with this port on either side' })
      .option('stream', { type: 'string', coerce: (v: string | string[]) => list(v).map(Number), describe: "only this Wireshark tcp.stream" })
      .option('quiet', { type: 'boolean', default: false, describe: 'no warnings or progress on stderr (errors still)' })
      .option('jobs', { type: 'number', default: 1, describe: 'analyse this many files at once on worker threads (output stays in input order)' })
      .check((a) => {
        if ([...(a.port ?? []), ...(a.stream ?? [])].some((n) => !Number.isInteger(n) || n < 0)) throw new Error('--port and --stream take whole numbers');
        if ((a.port ?? []).some((n) => n > 65535)) throw new Error('--port takes a port number, 0 to 65535');
        if (!Number.isInteger(a.jobs) || a.jobs < 1) throw new Error('--jobs takes a whole number of at least 1');
        if (a.sort === 'finish' && a.format !== 'ndjson') throw new Error('--sort finish is for --format ndjson');
        // Checked before any capture is read: a terminal would show garbage, and an engine sorts for itself.
        if (a.format === 'parquet' && process.stdout.isTTY) throw new Error('--format parquet writes binary: redirect it to a file');
        if (a.format === 'parquet' && a.sort !== 'capture') throw new Error('--format parquet writes rows in capture order: sort in the query (ORDER BY)');
        // Zeek's rows follow Zeek's connection life, not ours: a filter of our connections
        // would leave rows of a stream half kept. Its readers filter rows (zeek-cut, jq).
        if (a.format === 'zeek' || a.format === 'zeek-json') {
          const filtered = (a.ending ?? []).length > 0 || a.problems || (a.host ?? []).length > 0 || (a.port ?? []).length > 0 || (a.stream ?? []).length > 0;
          if (filtered) throw new Error(`--format ${a.format} writes every row, as Zeek does: filter its rows with zeek-cut, awk or jq`);
          if (a.sort !== 'capture') throw new Error(`--format ${a.format} writes rows as they complete, as Zeek does: --sort is not for it`);
        }
        return true;
      }),
  handler: lazyHandler(async () => (await import('./handler.js')).analyzeHandler),
};
