import { withDecodeOptions } from '../../decode-options.js';
import type { CommandModule } from 'yargs';
import type { AssertArgs } from './handler.js';
import { MAX_OFFENDERS } from '../../../assert/expectations.js';
import { lazyHandler } from '../../run.js';
import { restoreStdinAll } from '../../stdin-arg.js';

export const assertCommand: CommandModule<object, AssertArgs> = {
  command: 'assert <files..>',
  describe:
    'Check expectations about how connections ended (for CI): exit 0 when all hold, 1 when one fails, ' +
    '2 on bad input (an unreadable capture, an expectation it cannot read, or one naming a stream or port the capture does not have)',
  builder: (y) =>
    withDecodeOptions(y)
      .positional('files', { type: 'string', array: true, demandOption: true, coerce: restoreStdinAll, describe: 'capture files, or - for standard input' })
      .option('expect', {
        type: 'string',
        describe:
          'an expectation (repeatable): "all graceful", "no reset", "reset:abort <= 2", "no half-closed longer than 5s", "stream 3 is timeout/connect", ' +
          '"closer of port 8080 is server"; a detail must be one the ending carries',
      })
      .option('rules', {
        type: 'string',
        describe: 'a YAML or JSON file of expectations: a list of strings, or a mapping whose expect: key holds one (e.g. {"expect": ["no reset"]})',
      })
      .option('all', { type: 'boolean', describe: `list every connection that breaks an expectation (default: the first ${MAX_OFFENDERS} by stream, and how many more)` })
      .option('junit', { type: 'string', describe: 'also write JUnit XML here (one test case per expectation; an unreadable capture or a missing stream or port is an <error>)' }),
  handler: lazyHandler(async () => (await import('./handler.js')).assertHandler),
};
