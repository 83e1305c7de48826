/**
 * yargs calls handlers for their side effects; ours return an exit code, which this
 * records for main() to apply once output is flushed (no process.exit in handlers).
 */
export async function runHandler<A>(handler: (args: A) => Promise<number>, args: A): Promise<void> {
  process.exitCode = await handler(args);
}
