import type { TunnelRecord } from '../decode/tunnel.js';
import { formatAddress } from '../decode/address.js';
import type { TcpState } from '../state/tcp-state.js';
import type { Step } from '../state/timeline.js';
import { unsignedSeq } from '../state/seq.js';
import { communityId } from './community-id.js';
import type { Connection, ConnectionFlag, EndingRst } from './connection.js';
import type { Direction, RetransmissionSeries } from './direction.js';
import type { ReportReason } from './tracker.js';

export interface EndpointAddress {
  ip: string;
  port: number;
}

/** `198.18.1.2:8080` or `[fd00:7d::5:2]:8080`, so an IPv6 port cannot blur into the address. */
export function formatEndpoint(e: EndpointAddress): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** What one side sent and how its state ended, as observed. */
export interface SideRecord {
  finalState: TcpState;
  packets: number;
  bytes: number;
  retransmittedBytes: number;
  /** ISN, when the SYN was captured. */
  isn: number | null;
  mss: number | null;
  /** Negotiated window-scale shift; null when unknown (handshake not seen). */
  windowScale: number | null;
  sackPermitted: boolean;
  /** Segments with SYN, FIN and RST set (synAcks: SYN with ACK), captured duplicates included as Wireshark counts them. */
  syns: number;
  synAcks: number;
  fins: number;
  rsts: number;
  /** First frames of this side's SYN, FIN and RST (null when none). */
  synFrame: number | null;
  finFrame: number | null;
  /** When the first FIN was seen (null: none). */
  finTime: number | null;
  /** The FIN was not captured: the peer's ACK of it at finFrame shows it (one-sided capture). */
  finInferred: boolean;
  rstFrame: number | null;
  retransmissions: number;
  outOfOrder: number;
  dupAcks: number;
  zeroWindows: number;
  windowProbes: number;
  keepalives: number;
  sackSegments: number;
  captureLossBytes: number;
  /** Segments captured twice (same IP datagram), counted in `packets` but never as sent twice. */
  duplicates: number;
  duplicateFins: number;
  /** Window field of this side's last segment, unscaled (0: it ended on a zero window). */
  finalWindow: number;
  longestRetransmissionSeries: number;
  /** Last segment, and last payload, this side sent (frame 0: none). */
  lastFrame: number;
  lastTime: number;
  lastDataFrame: number;
  lastDataTime: number;
  /** Frame where the peer first acknowledged this side's FIN (null: never). */
  finAckedFrame: number | null;
  /** First payload sent after the peer's FIN (null: none). */
  dataAfterPeerFinFrame: number | null;
  /** Keepalive probes: first and last frames, and whether the peer answered the last. */
  firstKeepaliveFrame: number | null;
  lastKeepaliveFrame: number | null;
  lastKeepaliveTime: number;
  keepalivesAnswered: boolean;
  /** Transmissions of data, SYN or FIN still unacknowledged when the connection was reported. */
  unackedSeries: RetransmissionSeries | null;
}

export interface IcmpRecord {
  frame: number;
  time: number;
  type: number;
  code: number;
  version: 4 | 6;
  /** Whose packet the ICMP error quotes. */
  about: 'client' | 'server';
}

/** One connection as observed: the input of the diagnosis and of every report. */
export interface TrackedConnection {
  /** Wireshark's tcp.stream index. */
  stream: number;
  client: EndpointAddress;
  server: EndpointAddress;
  /** The tunnels it rode in, outer first (empty when none): docs/output.md. */
  tunnel: TunnelRecord[];
  roleGuessed: boolean;
  firstFrame: number;
  lastFrame: number;
  start: number;
  end: number;
  packets: { client: number; server: number };
  bytes: { client: number; server: number };
  flags: ConnectionFlag[];
  timeline: { client: Step[]; server: Step[] };
  sides: { client: SideRecord; server: SideRecord };
  icmp: IcmpRecord[];
  /** Zeek conn.log history, client as originator. */
  history: string;
  /** Both sides reached ESTABLISHED (or the capture began mid-stream). */
  established: boolean;
  /** The first RST that took effect, seen from the roles. */
  endingRst: EndingRstRecord | null;
  /**
   * A stale ACK (from the socket of an earlier connection on these ports) answered a
   * SYN here, and the RST answering it ended that earlier connection: frames and who sent the RST.
   */
  oldIncarnation: { ackFrame: number; rstFrame: number; by: 'client' | 'server' } | null;
  /** The RST that ended it was captured in this later stream on its ports, answering that stream's stale ACK (frame). */
  endedInStream: { stream: number; ackFrame: number } | null;
  /** Another connection between the same two hosts was captured one direction only. */
  pathOneSided: boolean;
  /** A later attempt from the client host to the same server endpoint, begun after this one's last packet (stream, time). */
  supersededBy: { stream: number; time: number } | null;
  /** Community ID v1 of its endpoints (community-id.ts): the same flow's key in Zeek, Suricata, Arkime. */
  communityId: string;
  /** Why it was reported at that point, and when (capture time: the end, for those open then). */
  reportedBecause: ReportReason;
  reportedAt: number;
}

export interface EndingRstRecord extends Omit<EndingRst, 'side'> {
  by: 'client' | 'server';
}

/**
 * Client and server (docs/endings.md "Roles"): the sender of the first SYN is the client.
 * Without one the role is guessed: the receiver of a SYN-ACK, else the side that sent
 * the SYN of the next connection on the same ports, else the side of the lower port is
 * the server (which covers a well-known port, below 1024, facing an ephemeral one: it
 * is always the lower), else whoever spoke first is the client.
 */
export function roles(c: Connection): { client: 0 | 1; guessed: boolean } {
  const guessed = c.flags.has('midstream') || c.synSide === null;
  if (c.synSide !== null) return { client: c.synSide, guessed };
  if (c.synAckSide !== null) return { client: (1 - c.synAckSide) as 0 | 1, guessed };
  // The side that opened the next connection on the same four-tuple is the active opener
  // of this socket pair (the same client port reused), whatever the port numbers say.
  if (c.reopenedBy !== null) return { client: c.reopenedBy, guessed };
  const [p0, p1] = c.port;
  if (p0 !== p1) return { client: p0 < p1 ? 1 : 0, guessed };
  return { client: 0, guessed };
}

/** `c` as reported, for `reason` at capture time `at`; `seed` is the Community ID's. */
export function trackedConnection(c: Connection, reason: ReportReason, at: number, seed = 0): TrackedConnection {
  const { client: ci, guessed } = roles(c);
  const si = (1 - ci) as 0 | 1;
  const address = (i: 0 | 1): EndpointAddress => ({ ip: formatAddress(c.version, c.addr[i]), port: c.port[i] });
  return {
    stream: c.stream,
    client: address(ci),
    server: address(si),
    tunnel: c.tunnel === null ? [] : [...c.tunnel.layers],
    roleGuessed: guessed,
    firstFrame: c.firstFrame,
    lastFrame: c.lastFrame,
    start: c.start,
    end: c.end,
    packets: { client: c.dirs[ci].segments, server: c.dirs[si].segments },
    bytes: { client: c.dirs[ci].bytes, server: c.dirs[si].bytes },
    flags: c.flags.list(),
    timeline: { client: c.ends[ci].timeline.steps, server: c.ends[si].timeline.steps },
    sides: { client: side(c, ci), server: side(c, si) },
    icmp: c.icmp.map((e) => ({ frame: e.frame, time: e.time, type: e.type, code: e.code, version: e.version, about: e.about === ci ? 'client' : 'server' })),
    history: c.history.forClient(ci),
    established: c.ends[0].timeline.reached('ESTABLISHED') && c.ends[1].timeline.reached('ESTABLISHED'),
    endingRst: c.endingRst === null ? null : endingRst(c.endingRst, ci),
    oldIncarnation: c.oldIncarnationRstFrame === 0 || c.staleAckSide === null ? null : { ackFrame: c.staleAckFrame, rstFrame: c.oldIncarnationRstFrame, by: c.staleAckSide === ci ? 'server' : 'client' },
    endedInStream: c.endedInStream < 0 ? null : { stream: c.endedInStream, ackFrame: c.endedByAckFrame },
    pathOneSided: c.pathOneSided,
    supersededBy: c.supersededBy < 0 ? null : { stream: c.supersededBy, time: c.supersededAt },
    communityId: communityId(c.version, c.addr[0], c.port[0], c.addr[1], c.port[1], seed),
    reportedBecause: reason,
    reportedAt: at,
  };
}

/**
 * The RST seen from the roles. Records here are literals with every field named, not
 * spreads: V8 copies a spread (or a rest pattern) property by property, which showed
 * per connection in the benchmark.
 */
function endingRst(r: EndingRst, client: 0 | 1): EndingRstRecord {
  return {
    frame: r.frame,
    time: r.time,
    withAck: r.withAck,
    senderHadClosed: r.senderHadClosed,
    peerWroteAfterClose: r.peerWroteAfterClose,
    answersFin: r.answersFin,
    senderSilence: r.senderSilence,
    peerSilence: r.peerSilence,
    afterUnansweredKeepalives: r.afterUnansweredKeepalives,
    senderState: r.senderState,
    receiverState: r.receiverState,
    unreadAtClose: r.unreadAtClose,
    sinceSenderFin: r.sinceSenderFin,
    injected: r.injected,
    text: r.text,
    answersFastClose: r.answersFastClose,
    by: r.side === client ? 'client' : 'server',
  };
}

function side(c: Connection, i: 0 | 1): SideRecord {
  const d: Direction = c.dirs[i];
  const orNull = (n: number): number | null => (n === 0 ? null : n);
  const end = c.ends[i];
  return {
    // A presumed listener that never took a step never had this connection.
    finalState: end.state === 'LISTEN' && end.timeline.length === 0 ? 'CLOSED' : end.state,
    packets: d.segments,
    bytes: d.bytes,
    retransmittedBytes: d.retransmittedBytes,
    isn: d.isn === null ? null : unsignedSeq(d.isn),
    mss: d.mss < 0 ? null : d.mss,
    windowScale: d.windowScale < 0 ? null : d.windowScale,
    sackPermitted: d.sackPermitted,
    syns: d.syns,
    synAcks: d.synAcks,
    fins: d.fins,
    rsts: d.rsts,
    synFrame: orNull(d.synFrame),
    finFrame: orNull(d.finFrame),
    finTime: d.finFrame === 0 ? null : d.finTime,
    finInferred: d.finInferred,
    rstFrame: orNull(d.rstFrame),
    retransmissions: d.retransmissions,
    outOfOrder: d.outOfOrder,
    dupAcks: d.dupAcks,
    zeroWindows: d.zeroWindows,
    windowProbes: d.windowProbes,
    keepalives: d.keepalives,
    sackSegments: d.sackSegments,
    captureLossBytes: d.captureLossBytes,
    duplicates: d.duplicates,
    duplicateFins: d.duplicateFins,
    finalWindow: d.window,
    longestRetransmissionSeries: d.longestSeries,
    lastFrame: d.lastFrame,
    lastTime: d.lastTime,
    lastDataFrame: d.lastDataFrame,
    lastDataTime: d.lastDataTime,
    finAckedFrame: orNull(d.finAckedFrame),
    dataAfterPeerFinFrame: orNull(d.dataAfterPeerFinFrame),
    firstKeepaliveFrame: orNull(d.firstKeepaliveFrame),
    lastKeepaliveFrame: orNull(d.lastKeepaliveFrame),
    lastKeepaliveTime: d.lastKeepaliveTime,
    keepalivesAnswered: d.lastKeepaliveFrame === 0 || c.dirs[1 - i]!.lastTime > d.lastKeepaliveTime,
    unackedSeries: d.series === null ? null : { seq: unsignedSeq(d.series.seq), kind: d.series.kind, frames: d.series.frames, times: d.series.times },
  };
}
