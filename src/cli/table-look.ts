import type { Argv } from 'yargs';
import type { ConnectionReport } from '../report/connection-report.js';
import type { TimeFormat } from '../report/time.js';
import { formatEndpoint } from '../track/report.js';
import { NO_BREAK } from '../report/text.js';
import { outputWidth, useColour } from './terminal.js';

/** How a command's table looks here: the width to fit, colour, and how times read. */
export interface TableLook {
  width: number | null;
  colour: boolean;
  time: TimeFormat;
}

export interface TimeArgs {
  time: TimeFormat;
}

/** The --time option, for commands whose tables have a start column. */
export function withTime<T>(y: Argv<T>): Argv<T & TimeArgs> {
  return y.option('time', {
    choices: ['absolute', 'relative'] as const,
    default: 'absolute' as const,
    describe: "table start times: date and time in UTC, or seconds since the capture's first packet (as Wireshark's frame.time_relative)",
  });
}

export function tableLook(args: TimeArgs): TableLook {
  return { width: outputWidth(), colour: useColour(), time: args.time };
}

/** "client → server", breaking (when it must) before the arrow, so the server starts the second line. */
export function endpoints(c: Pick<ConnectionReport, 'client' | 'server'>): string {
  return `${formatEndpoint(c.client)} →${NO_BREAK}${formatEndpoint(c.server)}`;
}
