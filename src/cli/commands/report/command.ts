import type { CommandModule } from 'yargs';
import { withDecodeOptions } from '../../decode-options.js';
import { lazyHandler } from '../../run.js';
import { restoreStdinAll } from '../../stdin-arg.js';
import { withTrackerOptions } from '../../tracker-options.js';
import type { ReportArgs } from './handler.js';

export const reportCommand: CommandModule<object, ReportArgs> = {
  command: 'report <files..>',
  describe: 'An incident report as one self-contained HTML file: what happened, charts, a connection table, ladders',
  builder: (y) =>
    withDecodeOptions(withTrackerOptions(y))
      .positional('files', { type: 'string', array: true, demandOption: true, coerce: restoreStdinAll, describe: 'capture files, or - for standard input' })
      .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the HTML file to write, or - for standard output' })
      .option('detail', { type: 'number', default: 2000, describe: 'connections given a table row and a ladder, at most: problems first, then a sample of the others in the room left (at least a tenth)' })
      .option('quiet', { type: 'boolean', default: false, describe: 'no warnings or summary on stderr (errors still)' })
      .check((a) => {
        if (!Number.isInteger(a.detail) || a.detail < 1) throw new Error('--detail takes a whole number of at least 1');
        if (a.files.filter((f) => f === '-').length > 1) throw new Error('standard input (-) can be read once');
        return true;
      }),
  handler: lazyHandler(async () => (await import('./handler.js')).reportHandler),
};
