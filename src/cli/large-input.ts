import { statSync } from 'node:fs';

/** From this size a capture gets a Node sized for streaming (main.ts) and, for `analyze` and `connections`, two threads (threads.ts). */
const LARGE_INPUT = 64 * 1024 * 1024;

/** A file of LARGE_INPUT bytes or more, or standard input (`-`: its size is not known). */
export function isLargeInput(arg: string): boolean {
  if (arg === '-') return true;
  try {
    return statSync(arg).size >= LARGE_INPUT;
  } catch {
    return false; // an option, a value, or no such file (the CLI will say so)
  }
}
