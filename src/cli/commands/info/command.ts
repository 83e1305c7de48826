import { withDecodeOptions } from '../../decode-options.js';
import type { CommandModule } from 'yargs';
import type { InfoArgs } from './handler.js';
import { lazyHandler } from '../../run.js';
import { restoreStdinAll } from '../../stdin-arg.js';

export const infoCommand: CommandModule<object, InfoArgs> = {
  command: 'info <files..>',
  describe: 'Read captures to the end and report format, frames, link types and problems',
  builder: (y) =>
    withDecodeOptions(y)
      .positional('files', { type: 'string', array: true, demandOption: true, coerce: restoreStdinAll, describe: 'capture files, or - for standard input' })
      .option('json', { type: 'boolean', default: false, describe: 'print JSON instead of text' }),
  handler: lazyHandler(async () => (await import('./handler.js')).infoHandler),
};
