import { withDecodeOptions } from '../../decode-options.js';
import type { CommandModule } from 'yargs';
import type { TriageArgs } from './handler.js';
import { lazyHandler } from '../../run.js';
import { restoreStdin } from '../../stdin-arg.js';

export const triageCommand: CommandModule<object, TriageArgs> = {
  command: 'triage <file>',
  describe: 'For incidents: problems grouped by scanner, client, service or server, over time, named in words',
  builder: (y) =>
    withDecodeOptions(y)
      .positional('file', { type: 'string', demandOption: true, coerce: restoreStdin, describe: 'capture file, or - for standard input' })
      .option('format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'text, or the groups as JSON' }),
  handler: lazyHandler(async () => (await import('./handler.js')).triageHandler),
};
