import type { Step } from '../../state/timeline.js';
import type { SideRecord, TrackedConnection } from '../../track/report.js';
import type { ConnectionReport } from '../../diagnosis/report.js';
import type { LayoutOf } from './layout.js';

/**
 * The layouts (layout.ts) of a tracked connection and of its report, keys in the order
 * trackedConnection and connectionReport give them: an unpacked record prints as the
 * original, and the JSON writer writes what JSON.stringify would (the tests compare
 * both on every fixture).
 */
const ENDPOINT = { object: { ip: 'string', port: 'number' } } as const;
const PAIR = { object: { client: 'number', server: 'number' } } as const;
const STEP: LayoutOf<Step> = { object: { time: 'number', frame: { nullable: 'number' }, state: 'string', cause: 'string', inferred: 'boolean' } };
const maybeNumber = { nullable: 'number' } as const;

const SIDE: LayoutOf<SideRecord> = {
  object: {
    finalState: 'string',
    packets: 'number',
    bytes: 'number',
    retransmittedBytes: 'number',
    isn: maybeNumber,
    mss: maybeNumber,
    windowScale: maybeNumber,
    sackPermitted: 'boolean',
    syns: 'number',
    synAcks: 'number',
    fins: 'number',
    rsts: 'number',
    synFrame: maybeNumber,
    finFrame: maybeNumber,
    finTime: maybeNumber,
    finInferred: 'boolean',
    rstFrame: maybeNumber,
    retransmissions: 'number',
    outOfOrder: 'number',
    dupAcks: 'number',
    zeroWindows: 'number',
    windowProbes: 'number',
    keepalives: 'number',
    sackSegments: 'number',
    captureLossBytes: 'number',
    duplicates: 'number',
    duplicateFins: 'number',
    finalWindow: 'number',
    longestRetransmissionSeries: 'number',
    lastFrame: 'number',
    lastTime: 'number',
    lastDataFrame: 'number',
    lastDataTime: 'number',
    finAckedFrame: maybeNumber,
    dataAfterPeerFinFrame: maybeNumber,
    firstKeepaliveFrame: maybeNumber,
    lastKeepaliveFrame: maybeNumber,
    lastKeepaliveTime: 'number',
    keepalivesAnswered: 'boolean',
    unackedSeries: { nullable: { object: { seq: 'number', kind: 'string', frames: { list: 'number' }, times: { list: 'number' } } } },
  },
};

export const TRACKED_LAYOUT: LayoutOf<TrackedConnection> = {
  object: {
    stream: 'number',
    client: ENDPOINT,
    server: ENDPOINT,
    tunnel: { list: { object: { kind: 'string', id: maybeNumber, outer: { object: { src: 'string', dst: 'string' } } } } },
    roleGuessed: 'boolean',
    firstFrame: 'number',
    lastFrame: 'number',
    start: 'number',
    end: 'number',
    packets: PAIR,
    bytes: PAIR,
    flags: { list: 'string' },
    timeline: { object: { client: { list: STEP }, server: { list: STEP } } },
    sides: { object: { client: SIDE, server: SIDE } },
    icmp: { list: { object: { frame: 'number', time: 'number', type: 'number', code: 'number', version: 'number', about: 'string' } } },
    history: 'string',
    established: 'boolean',
    endingRst: {
      nullable: {
        object: {
          frame: 'number',
          time: 'number',
          withAck: 'boolean',
          senderHadClosed: 'boolean',
          peerWroteAfterClose: 'boolean',
          answersFin: 'boolean',
          senderSilence: maybeNumber,
          peerSilence: 'number',
          afterUnansweredKeepalives: 'boolean',
          senderState: 'string',
          receiverState: 'string',
          unreadAtClose: 'boolean',
          sinceSenderFin: maybeNumber,
          injected: { nullable: 'string' },
          text: { nullable: 'string' },
          answersFastClose: 'number',
          by: 'string',
        },
      },
    },
    oldIncarnation: { nullable: { object: { ackFrame: 'number', rstFrame: 'number', by: 'string' } } },
    endedInStream: { nullable: { object: { stream: 'number', ackFrame: 'number' } } },
    pathOneSided: 'boolean',
    supersededBy: { nullable: { object: { stream: 'number', time: 'number' } } },
    communityId: 'unique-string',
    reportedBecause: 'string',
    reportedAt: 'number',
  },
};

export const REPORT_LAYOUT: LayoutOf<ConnectionReport> = {
  object: {
    ...TRACKED_LAYOUT.object,
    ending: 'string',
    detail: { nullable: 'string' },
    closer: { nullable: 'string' },
    evidence: { list: 'number' },
    apps: { object: { client: 'string', server: 'string' } },
    explanation: 'string',
    zeek: { object: { connState: 'string', history: 'string' } },
    filter: 'string',
  },
};
