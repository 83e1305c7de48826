/**
 * yargs calls handlers for their side effects; ours return an exit code, which this
 * records for main() to apply once output is flushed (no process.exit in handlers).
 */
export async function runHandler<A>(handler: (args: A) => Promise<number>, args: A): Promise<void> {
  process.exitCode = await handler(args);
}

/**
 * A command's handler, loaded when the command runs: `teardown show` need not load the
 * code of the report or the Zeek log, and every command starts sooner.
 */
export function lazyHandler<A>(load: () => Promise<(args: A) => Promise<number>>): (args: A) => Promise<void> {
  return async (args) => runHandler(await load(), args);
}
