/**
 * Writes to stdout and resolves when the data is handed off, so large outputs respect
 * back-pressure. (A closed pipe, `teardown segments x | head`, ends the process quietly:
 * main.ts.)
 */
export function writeOut(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', resolve);
  });
}
