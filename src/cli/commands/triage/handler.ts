import { reportConnections } from '../../../analyze.js';
import { TriageBuilder } from '../../../report/triage.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, writeOut } from '../../fail.js';
import { outputWidth } from '../../terminal.js';
import { sparklineRoom, triageText } from './text.js';

export interface TriageArgs {
  file: string;
  format: 'text' | 'json';
}

/** For incidents: problems grouped by what they are about (scanner, client, service, server), over time, in words. */
export async function triageHandler(args: TriageArgs): Promise<number> {
  try {
    const builder = new TriageBuilder();
    // As connections finish: the builder's result does not depend on their order.
    await reportConnections(args.file, (c) => builder.add(c));
    if (args.format === 'json') {
      await writeOut(JSON.stringify({ file: args.file, ...builder.result() }, null, 2) + '\n');
      return EXIT_OK;
    }
    const width = outputWidth();
    await writeOut(triageText(args.file, builder.result({ columns: sparklineRoom(width) }), width).join('\n') + '\n');
    return EXIT_OK;
  } catch (err) {
    process.stderr.write(failureLine(args.file, err) + '\n');
    return EXIT_BAD_INPUT;
  }
}
