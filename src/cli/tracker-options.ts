import type { Argv } from 'yargs';
import { checkTrackerOptions, DEFAULT_TRACKER_OPTIONS, type TrackerOptions } from '../track/tracker.js';

/** The tracker limits every command that tracks connections takes from the command line. */
export interface TrackerArgs {
  'idle-timeout': number;
  'max-connections': number;
  'community-id-seed': number;
}

export function withTrackerOptions<T>(y: Argv<T>): Argv<T & TrackerArgs> {
  return y
    .option('idle-timeout', { type: 'number', default: DEFAULT_TRACKER_OPTIONS.idleSeconds, describe: 'report a connection after this many seconds without packets' })
    .option('max-connections', { type: 'number', default: DEFAULT_TRACKER_OPTIONS.maxConnections, describe: 'most connections tracked at once (packets of more are counted in a warning)' })
    .option('community-id-seed', { type: 'number', default: DEFAULT_TRACKER_OPTIONS.communityIdSeed, describe: 'seed of each connection\'s Community ID (0 to 65535; as the other tools that write it are set)' })
    .check((a) => {
      if (!(a['idle-timeout'] > 0) || !Number.isInteger(a['max-connections']) || a['max-connections'] < 1) {
        throw new Error('--idle-timeout must be positive and --max-connections a whole number of at least 1');
      }
      checkTrackerOptions(trackerOptions(a));
      return true;
    });
}

export function trackerOptions(args: TrackerArgs): Partial<TrackerOptions> {
  return { idleSeconds: args['idle-timeout'], maxConnections: args['max-connections'], communityIdSeed: args['community-id-seed'] };
}
