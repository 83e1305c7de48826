import { readFileSync } from 'node:fs';

/**
 * This package's version, from its own package.json (dist/src/cli/, where this module
 * is built, is three levels below it, in the repository and in the published package
 * alike). yargs looks for package.json above the node_modules that holds yargs, which,
 * once teardown is installed in a project, is that project's.
 */
export function ownVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
