/**
 * `-` means standard input, but yargs turns a lone `-` positional into "" (open bugs
 * yargs/yargs#1312 and yargs/yargs-parser#381). main() swaps it for a sentinel no real
 * path can equal before yargs parses, and `restoreStdin`/`restoreStdinAll` (the file
 * positionals' coerce) swap it back, so handlers see `-`.
 */
const SENTINEL = '\u0000stdin';

export function protectStdinArg(argv: string[]): string[] {
  return argv.map((a) => (a === '-' ? SENTINEL : a));
}

export function restoreStdin(value: string): string {
  return value === SENTINEL ? '-' : value;
}

export function restoreStdinAll(values: string[]): string[] {
  return values.map(restoreStdin);
}
