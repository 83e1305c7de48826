import type { CommandModule } from 'yargs';
import { assertHandler, type AssertArgs } from './handler.js';
import { runHandler } from '../../run.js';
import { restoreStdinAll } from '../../stdin-arg.js';

export const assertCommand: CommandModule<object, AssertArgs> = {
  command: 'assert <files..>',
  describe: 'Check expectations about how connections ended (for CI): exit 0, 1 on failure, 2 on bad input',
  builder: (y) =>
    y
      .positional('files', { type: 'string', array: true, demandOption: true, coerce: restoreStdinAll, describe: 'capture files, or - for standard input' })
      .option('expect', {
        type: 'string',
        describe: 'an expectation (repeatable): "all graceful", "no reset", "reset:abort <= 2", "no half-closed longer than 5s", "stream 3 is timeout/connect", "closer of port 8080 is server"',
      })
      .option('rules', { type: 'string', describe: 'a JSON ({"expect": [...]}) or YAML (expect: / - ...) file of expectations' })
      .option('junit', { type: 'string', describe: 'also write JUnit XML here (one test case per expectation)' }),
  handler: (args) => runHandler(assertHandler, args),
};
