import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { analyzeCommand } from './commands/analyze/command.js';
import { annotateCommand } from './commands/annotate/command.js';
import { reportCommand } from './commands/report/command.js';
import { assertCommand } from './commands/assert/command.js';
import { connectionsCommand } from './commands/connections/command.js';
import { infoCommand } from './commands/info/command.js';
import { segmentsCommand } from './commands/segments/command.js';
import { showCommand } from './commands/show/command.js';
import { triageCommand } from './commands/triage/command.js';
import { EXIT_BAD_INPUT, EXIT_OK } from './fail.js';
import { protectStdinArg } from './stdin-arg.js';
import { ownVersion } from './version.js';

const commands = [analyzeCommand, annotateCommand, assertCommand, connectionsCommand, infoCommand, reportCommand, segmentsCommand, showCommand, triageCommand];

async function main(): Promise<void> {
  // A closed pipe (`teardown segments x | head`) is not an error: whoever reads has what they wanted.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(EXIT_OK);
    throw err;
  });
  const cli = yargs(protectStdinArg(hideBin(process.argv)))
    .scriptName('teardown')
    .strict()
    .demandCommand(1, 'name a command')
    .recommendCommands()
    .help()
    .version(ownVersion())
    .fail((message, err, y) => {
      // Usage mistakes: one line and the usage, exit 2 (never a stack trace).
      if (err !== undefined && err !== null) process.stderr.write(`teardown: ${err.message}\n`);
      else process.stderr.write(`teardown: ${message}\nRun 'teardown --help' for usage.\n`);
      process.exit(EXIT_BAD_INPUT);
    });
  for (const command of commands) cli.command(command as never);
  await cli.parseAsync();
}

let finished = false;
main()
  .catch((err: unknown) => {
    process.stderr.write(`teardown: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = EXIT_BAD_INPUT;
  })
  .finally(() => (finished = true));

// Node exits when nothing is left to wait for, even in the middle of an await that can
// no longer be resolved. That is a bug of ours, and it must not pass for success: a CI
// job would take cut-short output for the whole (it happened: see LineWriter.flush).
process.on('exit', () => {
  if (finished || process.exitCode !== undefined) return;
  process.stderr.write('teardown: internal error: stopped before the work was done; the output is incomplete\n');
  process.exitCode = EXIT_BAD_INPUT;
});
