import { reportConnections } from '../../../analyze.js';
import { TriageBuilder } from '../../../report/triage.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, writeOut } from '../../fail.js';

export interface TriageArgs {
  file: string;
  format: 'text' | 'json';
}

/** For incidents: problems grouped by server and ending, over time, in words. */
export async function triageHandler(args: TriageArgs): Promise<number> {
  try {
    const builder = new TriageBuilder();
    // As connections finish: the builder keeps each group's first streams, whatever the order.
    await reportConnections(args.file, (c) => builder.add(c));
    const t = builder.result();
    if (args.format === 'json') {
      await writeOut(JSON.stringify({ file: args.file, ...t }, null, 2) + '\n');
      return EXIT_OK;
    }
    const lines = [`${args.file}: ${t.problems} problem connection${t.problems === 1 ? '' : 's'} of ${t.connections}, in ${t.groups.length} group${t.groups.length === 1 ? '' : 's'}`];
    for (const g of t.groups) {
      lines.push('', `${g.connections} × ${g.ending}${g.detail === null ? '' : ` (${g.detail})`} — ${g.server}`, `  ${g.pattern}`, `  |${g.sparkline}|  streams ${g.streams.join(', ')}${g.connections > g.streams.length ? ', ...' : ''}`);
    }
    await writeOut(lines.join('\n') + '\n');
    return EXIT_OK;
  } catch (err) {
    process.stderr.write(failureLine(args.file, err) + '\n');
    return EXIT_BAD_INPUT;
  }
}
