/**
 * How wide the text output may be. A person at a terminal gets lines no wider than the
 * terminal; a pipe gets lines unwrapped (grep and awk see one row per line) unless
 * COLUMNS asks for a width, as it does for `ls` and `git` (POSIX lists COLUMNS as the
 * user's preferred width).
 */
export function outputWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number | null {
  if (stream.isTTY === true && stream.columns !== undefined && stream.columns > 0) return stream.columns;
  const columns = Number(env.COLUMNS);
  return env.COLUMNS !== undefined && Number.isInteger(columns) && columns > 0 ? columns : null;
}

/** Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org). */
export function useColour(): boolean {
  return process.env.NO_COLOR === undefined && process.stdout.isTTY === true;
}
