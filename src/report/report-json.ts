import type { Step } from '../state/timeline.js';
import type { EndpointAddress, IcmpRecord, SideRecord } from '../track/report.js';
import type { RetransmissionSeries } from '../track/direction.js';
import type { ConnectionReport } from './connection-report.js';
import { CLOSE_BRACE, JsonBytes, key, NULL } from './json-bytes.js';

/**
 * A connection report as one line of JSON, byte for byte what JSON.stringify(report)
 * gives (a test holds the two equal over every fixture and the public corpus), written
 * into `w` at about three times its speed: `analyze --format ndjson` writes a 3 KB line
 * per connection and JSON.stringify was a sixth of its time, the string it made and
 * encoded once more another tenth in collections and copying (measured on the
 * benchmark's mixed capture). Keys in the order the report object has them
 * (trackedConnection, then the diagnosis: see connectionReport). A field added to the
 * report and not here fails that test.
 */
export function writeReportJson(w: JsonBytes, r: ConnectionReport): void {
  w.raw(K.stream);
  w.number(r.stream);
  w.raw(K.client);
  endpoint(w, r.client);
  w.raw(K.server);
  endpoint(w, r.server);
  w.raw(K.roleGuessed);
  w.boolean(r.roleGuessed);
  w.raw(K.firstFrame);
  w.number(r.firstFrame);
  w.raw(K.lastFrame);
  w.number(r.lastFrame);
  w.raw(K.start);
  w.number(r.start);
  w.raw(K.end);
  w.number(r.end);
  w.raw(K.packets);
  clientServerNumbers(w, r.packets);
  w.raw(K.bytes);
  clientServerNumbers(w, r.bytes);
  w.raw(K.flags);
  w.values(r.flags);
  w.raw(K.timeline);
  w.raw(K.clientFirst);
  w.list(r.timeline.client, step);
  w.raw(K.server);
  w.list(r.timeline.server, step);
  w.raw(CLOSE_BRACE);
  w.raw(K.sides);
  w.raw(K.clientFirst);
  side(w, r.sides.client);
  w.raw(K.server);
  side(w, r.sides.server);
  w.raw(CLOSE_BRACE);
  w.raw(K.icmp);
  w.list(r.icmp, icmp);
  w.raw(K.history);
  w.string(r.history);
  w.raw(K.established);
  w.boolean(r.established);
  w.raw(K.endingRst);
  const rst = r.endingRst;
  if (rst === null) w.raw(NULL);
  else {
    w.raw(K.frameFirst);
    w.number(rst.frame);
    w.raw(K.time);
    w.number(rst.time);
    w.raw(K.withAck);
    w.boolean(rst.withAck);
    w.raw(K.senderHadClosed);
    w.boolean(rst.senderHadClosed);
    w.raw(K.peerWroteAfterClose);
    w.boolean(rst.peerWroteAfterClose);
    w.raw(K.answersFin);
    w.boolean(rst.answersFin);
    w.raw(K.senderSilence);
    w.numberOrNull(rst.senderSilence);
    w.raw(K.peerSilence);
    w.number(rst.peerSilence);
    w.raw(K.afterUnansweredKeepalives);
    w.boolean(rst.afterUnansweredKeepalives);
    w.raw(K.senderState);
    w.string(rst.senderState);
    w.raw(K.receiverState);
    w.string(rst.receiverState);
    w.raw(K.by);
    w.string(rst.by);
    w.raw(CLOSE_BRACE);
  }
  w.raw(K.reportedBecause);
  w.string(r.reportedBecause);
  w.raw(K.reportedAt);
  w.number(r.reportedAt);
  w.raw(K.ending);
  w.string(r.ending);
  w.raw(K.detail);
  w.stringOrNull(r.detail);
  w.raw(K.closer);
  w.stringOrNull(r.closer);
  w.raw(K.evidence);
  w.values(r.evidence);
  w.raw(K.apps);
  w.raw(K.clientFirst);
  w.string(r.apps.client);
  w.raw(K.server);
  w.string(r.apps.server);
  w.raw(CLOSE_BRACE);
  w.raw(K.explanation);
  w.string(r.explanation);
  w.raw(K.zeek);
  w.raw(K.connStateFirst);
  w.string(r.zeek.connState);
  w.raw(K.history);
  w.string(r.zeek.history);
  w.raw(CLOSE_BRACE);
  w.raw(K.filter);
  w.string(r.filter);
  w.raw(CLOSE_BRACE);
}

function endpoint(w: JsonBytes, e: EndpointAddress): void {
  w.raw(K.ipFirst);
  w.string(e.ip);
  w.raw(K.port);
  w.number(e.port);
  w.raw(CLOSE_BRACE);
}

function clientServerNumbers(w: JsonBytes, pair: { client: number; server: number }): void {
  w.raw(K.clientFirst);
  w.number(pair.client);
  w.raw(K.server);
  w.number(pair.server);
  w.raw(CLOSE_BRACE);
}

function step(w: JsonBytes, s: Step): void {
  w.raw(K.timeFirst);
  w.number(s.time);
  w.raw(K.frame);
  w.numberOrNull(s.frame);
  w.raw(K.state);
  w.string(s.state);
  w.raw(K.cause);
  w.string(s.cause);
  w.raw(K.inferred);
  w.boolean(s.inferred);
  w.raw(CLOSE_BRACE);
}

function side(w: JsonBytes, s: SideRecord): void {
  w.raw(K.finalStateFirst);
  w.string(s.finalState);
  w.raw(K.packets);
  w.number(s.packets);
  w.raw(K.bytes);
  w.number(s.bytes);
  w.raw(K.retransmittedBytes);
  w.number(s.retransmittedBytes);
  w.raw(K.isn);
  w.numberOrNull(s.isn);
  w.raw(K.mss);
  w.numberOrNull(s.mss);
  w.raw(K.windowScale);
  w.numberOrNull(s.windowScale);
  w.raw(K.sackPermitted);
  w.boolean(s.sackPermitted);
  w.raw(K.syns);
  w.number(s.syns);
  w.raw(K.synAcks);
  w.number(s.synAcks);
  w.raw(K.fins);
  w.number(s.fins);
  w.raw(K.rsts);
  w.number(s.rsts);
  w.raw(K.synFrame);
  w.numberOrNull(s.synFrame);
  w.raw(K.finFrame);
  w.numberOrNull(s.finFrame);
  w.raw(K.rstFrame);
  w.numberOrNull(s.rstFrame);
  w.raw(K.retransmissions);
  w.number(s.retransmissions);
  w.raw(K.outOfOrder);
  w.number(s.outOfOrder);
  w.raw(K.dupAcks);
  w.number(s.dupAcks);
  w.raw(K.zeroWindows);
  w.number(s.zeroWindows);
  w.raw(K.windowProbes);
  w.number(s.windowProbes);
  w.raw(K.keepalives);
  w.number(s.keepalives);
  w.raw(K.sackSegments);
  w.number(s.sackSegments);
  w.raw(K.captureLossBytes);
  w.number(s.captureLossBytes);
  w.raw(K.longestRetransmissionSeries);
  w.number(s.longestRetransmissionSeries);
  w.raw(K.lastFrame);
  w.number(s.lastFrame);
  w.raw(K.lastTime);
  w.number(s.lastTime);
  w.raw(K.lastDataFrame);
  w.number(s.lastDataFrame);
  w.raw(K.lastDataTime);
  w.number(s.lastDataTime);
  w.raw(K.finAckedFrame);
  w.numberOrNull(s.finAckedFrame);
  w.raw(K.dataAfterPeerFinFrame);
  w.numberOrNull(s.dataAfterPeerFinFrame);
  w.raw(K.firstKeepaliveFrame);
  w.numberOrNull(s.firstKeepaliveFrame);
  w.raw(K.lastKeepaliveFrame);
  w.numberOrNull(s.lastKeepaliveFrame);
  w.raw(K.keepalivesAnswered);
  w.boolean(s.keepalivesAnswered);
  w.raw(K.unackedSeries);
  series(w, s.unackedSeries);
  w.raw(CLOSE_BRACE);
}

function series(w: JsonBytes, s: RetransmissionSeries | null): void {
  if (s === null) {
    w.raw(NULL);
    return;
  }
  w.raw(K.seqFirst);
  w.number(s.seq);
  w.raw(K.kind);
  w.string(s.kind);
  w.raw(K.frames);
  w.values(s.frames);
  w.raw(K.times);
  w.values(s.times);
  w.raw(CLOSE_BRACE);
}

function icmp(w: JsonBytes, e: IcmpRecord): void {
  w.raw(K.frameFirst);
  w.number(e.frame);
  w.raw(K.time);
  w.number(e.time);
  w.raw(K.type);
  w.number(e.type);
  w.raw(K.code);
  w.number(e.code);
  w.raw(K.version);
  w.number(e.version);
  w.raw(K.about);
  w.string(e.about);
  w.raw(CLOSE_BRACE);
}

/** Each key as written after a value; `...First` opens an object. */
const K = {
  stream: key('stream', true),
  client: key('client'),
  clientFirst: key('client', true),
  server: key('server'),
  ipFirst: key('ip', true),
  port: key('port'),
  roleGuessed: key('roleGuessed'),
  firstFrame: key('firstFrame'),
  lastFrame: key('lastFrame'),
  start: key('start'),
  end: key('end'),
  packets: key('packets'),
  bytes: key('bytes'),
  flags: key('flags'),
  timeline: key('timeline'),
  timeFirst: key('time', true),
  time: key('time'),
  frame: key('frame'),
  frameFirst: key('frame', true),
  state: key('state'),
  cause: key('cause'),
  inferred: key('inferred'),
  sides: key('sides'),
  finalStateFirst: key('finalState', true),
  retransmittedBytes: key('retransmittedBytes'),
  isn: key('isn'),
  mss: key('mss'),
  windowScale: key('windowScale'),
  sackPermitted: key('sackPermitted'),
  syns: key('syns'),
  synAcks: key('synAcks'),
  fins: key('fins'),
  rsts: key('rsts'),
  synFrame: key('synFrame'),
  finFrame: key('finFrame'),
  rstFrame: key('rstFrame'),
  retransmissions: key('retransmissions'),
  outOfOrder: key('outOfOrder'),
  dupAcks: key('dupAcks'),
  zeroWindows: key('zeroWindows'),
  windowProbes: key('windowProbes'),
  keepalives: key('keepalives'),
  sackSegments: key('sackSegments'),
  captureLossBytes: key('captureLossBytes'),
  longestRetransmissionSeries: key('longestRetransmissionSeries'),
  lastTime: key('lastTime'),
  lastDataFrame: key('lastDataFrame'),
  lastDataTime: key('lastDataTime'),
  finAckedFrame: key('finAckedFrame'),
  dataAfterPeerFinFrame: key('dataAfterPeerFinFrame'),
  firstKeepaliveFrame: key('firstKeepaliveFrame'),
  lastKeepaliveFrame: key('lastKeepaliveFrame'),
  keepalivesAnswered: key('keepalivesAnswered'),
  unackedSeries: key('unackedSeries'),
  seqFirst: key('seq', true),
  kind: key('kind'),
  frames: key('frames'),
  times: key('times'),
  icmp: key('icmp'),
  type: key('type'),
  code: key('code'),
  version: key('version'),
  about: key('about'),
  history: key('history'),
  established: key('established'),
  endingRst: key('endingRst'),
  withAck: key('withAck'),
  senderHadClosed: key('senderHadClosed'),
  peerWroteAfterClose: key('peerWroteAfterClose'),
  answersFin: key('answersFin'),
  senderSilence: key('senderSilence'),
  peerSilence: key('peerSilence'),
  afterUnansweredKeepalives: key('afterUnansweredKeepalives'),
  senderState: key('senderState'),
  receiverState: key('receiverState'),
  by: key('by'),
  reportedBecause: key('reportedBecause'),
  reportedAt: key('reportedAt'),
  ending: key('ending'),
  detail: key('detail'),
  closer: key('closer'),
  evidence: key('evidence'),
  apps: key('apps'),
  explanation: key('explanation'),
  zeek: key('zeek'),
  connStateFirst: key('connState', true),
  filter: key('filter'),
};
