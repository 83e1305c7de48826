import type { Argv } from 'yargs';
import type { TimeFormat } from '../sinks/time.js';
import type { TableLook } from '../sinks/table-look.js';
import { outputWidth, useColour } from './terminal.js';

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

/** How tables look on this terminal. */
export function tableLook(args: TimeArgs): TableLook {
  return { width: outputWidth(), colour: useColour(), time: args.time };
}
