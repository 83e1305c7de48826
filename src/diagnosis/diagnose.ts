import type { EndingRstRecord, IcmpRecord, SideRecord, TrackedConnection } from '../track/report.js';
import { formatEndpoint } from '../track/report.js';
import { gaveUp } from '../state/backoff.js';
import type { Diagnosis, DiagnosisFlag, Side } from './types.js';
import { zeekConnState } from './zeek.js';
import { sortedUnique } from './sorted-unique.js';
import { pacing, span, when } from './words.js';
import { icmpReason } from './icmp.js';
import { isDestUnreachable } from '../decode/icmp.js';

type Verdict = Pick<Diagnosis, 'ending' | 'detail' | 'closer' | 'evidence' | 'apps'> & { flags?: DiagnosisFlag[]; story: string; hint?: string };

const other = (s: Side): Side => (s === 'client' ? 'server' : 'client');

/** What each application saw, given what `who` saw and what its peer saw. */
function appsOf(who: Side, mine: string, theirs: string): Diagnosis['apps'] {
  return who === 'client' ? { client: mine, server: theirs } : { client: theirs, server: mine };
}
const nonNull = (xs: (number | null | undefined)[]): number[] => xs.filter((x): x is number => typeof x === 'number' && x > 0);

/**
 * How a connection ended and why: a pure function of its observed record and the time
 * the capture stopped (capture/capture-end.ts). The rules follow docs/endings.md;
 * each is introduced by the one sentence of evidence that decides it.
 */
export function diagnose(c: TrackedConnection, captureEnd: number): Diagnosis {
  const v = verdict(c, captureEnd);
  const old = c.oldIncarnation;
  if (old !== null) {
    // docs/endings.md: an RST answering a segment of an earlier incarnation is not this connection's ending.
    v.story += `; before that, a SYN met an ACK of an earlier connection on these ports (frame ${old.ackFrame}) and the ${old.by}'s RST to it (frame ${old.rstFrame}) ended that earlier connection, not this one`;
    v.evidence = [...v.evidence, old.ackFrame, old.rstFrame];
  }
  v.evidence = sortedUnique(v.evidence);
  return {
    ending: v.ending,
    detail: v.detail,
    closer: v.closer,
    flags: v.flags ?? [],
    evidence: v.evidence,
    apps: v.apps,
    explanation: explanation(c, v),
    zeek: { connState: zeekConnState(c), history: c.history },
    filter: `tcp.stream eq ${c.stream}`,
  };
}

/**
 * A peer that receives a segment acknowledges it within a round trip and a delayed-ACK
 * timer (Linux: 40-200 ms): one second without an answer is evidence that none came;
 * less is a segment still in flight when the capture stopped.
 */
const ANSWER_SECONDS = 1;
/**
 * The shortest first SYN retransmission timeout of any stack: 1 s (RFC 6298 2.1; Linux,
 * macOS), 3 s in RFC 1122 and Windows. SYNs repeated faster are not a kernel's retries
 * (nmap and other probers send their own at a fixed pace); a lone SYN never repeated
 * within twice the longest was abandoned.
 */
const SYN_RTO_FLOOR = 0.9;
const LONGEST_FIRST_SYN_RTO = 3;
/** The longest any common stack delays an ACK (Linux TCP_DELACK_MAX, Windows). */
const DELAYED_ACK_MAX_SECONDS = 0.2;

/** What the receiver of an RST saw, from what it had done before the RST came. */
function rstReceiverApp(receiver: SideRecord, rst: EndingRstRecord): string {
  if (receiver.finFrame !== null && receiver.finFrame < rst.frame) return 'had closed already (ECONNRESET only if it still read)';
  if (rst.receiverState === 'CLOSE-WAIT') return 'EOF, then EPIPE on the next write';
  return 'ECONNRESET';
}

function verdict(c: TrackedConnection, captureEnd: number): Verdict {
  const C = c.sides.client;
  const S = c.sides.server;
  const rst = c.endingRst;
  const unreachable = c.icmp.filter((e) => isDestUnreachable(e.version, e.type));

  if (!c.established) return beforeEstablished(c, captureEnd, unreachable);

  // An RST that the receiver acted on (in window, RFC 5961) ended it.
  if (rst !== null && !rstAfterCompleteClose(c, rst)) return reset(c, rst);

  // Both FINs crossed: each was sent before its sender had the other's, so both
  // sides went through CLOSING (RFC 9293 3.6, simultaneous close).
  const closing = (side: Side): boolean => c.timeline[side].some((s) => s.state === 'CLOSING');
  // A side closed when it sent a FIN, captured or shown by the peer's ACK (finInferred).
  const closedC = C.finFrame !== null;
  const closedS = S.finFrame !== null;
  if (closedC && closedS && closing('client') && closing('server')) {
    return {
      ending: 'simultaneous-close',
      detail: null,
      closer: 'both',
      evidence: nonNull([C.finFrame, S.finFrame, C.finAckedFrame, S.finAckedFrame]),
      apps: { client: 'EOF', server: 'EOF' },
      story: `both sides closed at the same time: their FINs crossed (${span(Math.abs((C.finTime ?? 0) - (S.finTime ?? 0)))} apart), both went through CLOSING and both hold TIME-WAIT`,
    };
  }

  // Both sent FIN and the second one answers the first: a sequential close.
  if (closedC && closedS) {
    const v = graceful(c);
    if (rst !== null) {
      v.story += `; then the ${rst.by} also sent an RST (frame ${rst.frame}), which cut nothing short`;
      v.evidence = [...v.evidence, rst.frame];
    }
    return v;
  }

  // An ICMP unreachable about an established connection, and no close after it.
  if (unreachable.length > 0) return icmpUnreachable(c, unreachable, true);

  // One side closed and its FIN was acknowledged; the other neither closed nor reset.
  const closer: Side | null = closedC ? 'client' : closedS ? 'server' : null;
  if (closer !== null && c.sides[closer].finAckedFrame !== null) return halfClosed(c, closer, captureEnd);

  // A side kept retransmitting unacknowledged data (or FIN) for longer than an answer
  // takes: with growing back-off and then silence it gave up, else it was still trying.
  for (const side of ['client', 'server'] as const) {
    const series = c.sides[side].unackedSeries;
    if (series === null || series.times.length < 2 || captureEnd - series.times[0]! < ANSWER_SECONDS) continue;
    const peer = other(side);
    const what = series.kind === 'fin' ? 'its FIN' : 'data';
    if (gaveUp(series.times, captureEnd)) {
      return {
        ending: 'timeout',
        detail: 'retransmission',
        closer: side,
        evidence: series.frames,
        apps: appsOf(side, 'ETIMEDOUT', 'nothing (unreachable or gone)'),
        story: `the ${side} sent ${what} ${series.frames.length} times ${pacing(series.times)} and got no ACK from the ${peer}, then went silent for ${span(captureEnd - series.times.at(-1)!)} until the capture ended: it gave up`,
        hint: `the ${peer} host or the path to it disappeared; check its health and any firewall between them`,
      };
    }
    return {
      ending: 'half-open',
      detail: 'retransmission',
      closer: null,
      evidence: series.frames,
      apps: appsOf(side, 'blocked in write (will see ETIMEDOUT)', 'nothing (unreachable or gone)'),
      story: `the ${peer} stopped answering: the ${side} sent ${what} ${series.frames.length} times over ${span(series.times.at(-1)! - series.times[0]!)} without an ACK and was still retransmitting when the capture ended`,
      hint: `the ${peer} host or the path to it is gone; the ${side} will give up after its retry limit (tcp_retries2 on Linux)`,
    };
  }

  // A FIN the capture never shows acknowledged: the other direction was not captured,
  // or the capture stopped before the ACK could come.
  if (closer !== null) return halfClosed(c, closer, captureEnd);

  // Keepalive probes went unanswered until the capture ended.
  for (const side of ['client', 'server'] as const) {
    const s = c.sides[side];
    if (s.lastKeepaliveFrame !== null && !s.keepalivesAnswered) {
      const peer = other(side);
      const probes = s.keepalives === 1 ? 'keepalive probe' : `${s.keepalives} keepalive probes`;
      return {
        ending: 'half-open',
        detail: 'keepalive',
        closer: null,
        evidence: nonNull([s.firstKeepaliveFrame, s.lastKeepaliveFrame]),
        apps: appsOf(side, 'nothing yet (keepalive probing)', 'unknown (no answer seen)'),
        story: `the ${side}'s ${probes} got no answer in the ${span(captureEnd - s.lastKeepaliveTime)} before the capture ended: the ${peer} may be gone, or its answer was not captured`,
        hint: `should the ${peer} be gone, the ${side} will drop the connection with ETIMEDOUT once its keepalive probes run out`,
      };
    }
  }

  const idle = captureEnd - c.end;
  const stalled = (['client', 'server'] as const).find((side) => c.sides[side].finalWindow === 0 && c.sides[side].zeroWindows > 0);
  return {
    ending: 'open',
    detail: null,
    closer: null,
    evidence: [c.lastFrame],
    apps: { client: 'nothing yet', server: 'nothing yet' },
    story: `still open when the capture ended, idle for ${span(idle)}${C.keepalivesAnswered && C.lastKeepaliveFrame !== null ? ' (keepalives answered)' : ''}${stalled !== undefined ? `; the ${stalled} advertised a zero window at the end, so the ${other(stalled)}'s sending was stalled` : ''}`,
  };
}

/** One side closed; the other neither closed nor reset. */
function halfClosed(c: TrackedConnection, closer: Side, captureEnd: number): Verdict {
  const open = other(closer);
  const x = c.sides[closer];
  const finTime = x.finTime ?? c.start;
  const wrote = c.sides[open].dataAfterPeerFinFrame;
  const oneSided = c.flags.includes('one-sided') || c.sides[open].packets === 0;
  if (x.finAckedFrame === null) {
    const unknown = oneSided
      ? `the capture shows no packet from the ${open}, so whether the FIN reached it is unknown`
      : `the capture ended ${span(captureEnd - finTime)} later, before any ACK of it`;
    return {
      ending: 'half-closed',
      detail: `${closer}-closed`,
      closer,
      evidence: nonNull([x.finFrame]),
      apps: appsOf(closer, 'nothing yet (waiting for the peer to close)', 'unknown (the FIN was not seen acknowledged)'),
      story: `the ${closer} closed at ${when(c, finTime)} (FIN, frame ${x.finFrame}); ${unknown}`,
    };
  }
  return {
    ending: 'half-closed',
    detail: `${closer}-closed`,
    closer,
    evidence: nonNull([x.finFrame, x.finAckedFrame, wrote]),
    apps: appsOf(closer, 'nothing yet (waiting for the peer to close)', 'EOF, not closed'),
    story: `the ${closer} closed at ${when(c, finTime)} (FIN acknowledged) but the ${open} never closed its side${wrote !== null ? ', though it kept sending data' : ''}: the ${open} sat in CLOSE-WAIT for ${span(captureEnd - finTime)}, the ${closer} in FIN-WAIT-2, until the capture ended`,
    hint: `check that the ${open} application closes the socket when read returns 0 (EOF); a CLOSE-WAIT that lasts is a leak`,
  };
}

/**
 * The RST came from a side that had already received its peer's FIN (it acknowledged
 * it, in the FIN's own segment at the latest) and then sent its own FIN: both closes
 * were done, no data was cut (LAST-ACK's
 * abortive close, as a Windows closesocket after shutdown sends). The close stands as
 * graceful. An RST answering the peer's FIN (late-fin) or data (after-close) is not this.
 */
function rstAfterCompleteClose(c: TrackedConnection, rst: EndingRstRecord): boolean {
  const sender = c.sides[rst.by];
  const peer = c.sides[other(rst.by)];
  return sender.finFrame !== null && sender.finFrame < rst.frame && peer.finFrame !== null && peer.finAckedFrame !== null &&
    peer.finAckedFrame <= sender.finFrame && !rst.unreadAtClose && !rst.peerWroteAfterClose;
}

/** The handshake never completed: refused, unreachable, timed out, reset, probed or pending. */
function beforeEstablished(c: TrackedConnection, captureEnd: number, unreachable: IcmpRecord[]): Verdict {
  const C = c.sides.client;
  const S = c.sides.server;
  const rst = c.endingRst;
  // The SYN was answered by an RST and no SYN-ACK: nothing listened (ECONNREFUSED).
  if (rst !== null && rst.by === 'server' && S.synAcks === 0) {
    return {
      ending: 'refused',
      detail: null,
      closer: 'server',
      evidence: nonNull([C.synFrame, rst.frame]),
      apps: { client: 'ECONNREFUSED', server: 'nothing (no listener)' },
      story: `the server answered the SYN with RST: nothing was listening on port ${c.server.port}`,
      hint: 'check that the service runs and listens on that address and port',
    };
  }
  if (unreachable.length > 0) return icmpUnreachable(c, unreachable, false);
  // An RST after the SYN-ACK, before the handshake completed.
  if (rst !== null) {
    return {
      ending: 'reset',
      detail: 'handshake',
      closer: rst.by,
      evidence: nonNull([C.synFrame, S.synFrame, rst.frame]),
      apps: { client: rst.by === 'server' ? 'ECONNREFUSED or ECONNRESET' : 'connect aborted', server: 'nothing (never accepted)' },
      story: `the ${rst.by} reset the connection during the handshake, after the SYN-ACK`,
    };
  }
  // Segments without SYN and without ACK (the client's only, and not established: no
  // ACK in them): no stack sends those on a connection (RFC 9293 3.10.7.4 requires ACK
  // once synchronized); a prober's crafted packets, never answered.
  if (C.syns === 0 && S.packets === 0) {
    return {
      ending: 'not-established',
      detail: null,
      closer: null,
      evidence: nonNull([c.firstFrame, c.lastFrame]),
      apps: { client: 'unknown (crafted segments, no socket seen)', server: 'nothing (no answer)' },
      story: `no handshake: the client sent ${C.packets} segment${C.packets === 1 ? '' : 's'} without SYN or ACK and got no answer, so no connection existed (a scanner's or fingerprinting probe)`,
    };
  }
  const series = C.unackedSeries?.kind === 'syn' ? C.unackedSeries : null;
  const synTimes = series?.times ?? [];
  const synAt = c.timeline.client.find((s) => s.state === 'SYN-SENT')?.time ?? c.start;
  const timerPaced = synTimes.slice(1).every((t, i) => t - synTimes[i]! >= SYN_RTO_FLOOR);
  const ownRst = C.rstFrame !== null && S.packets === 0 ? `; then it reset the attempt itself (frame ${C.rstFrame})` : '';
  // SYNs repeated with growing back-off, then silence: connect() timed out.
  if (S.packets === 0 && series !== null && timerPaced && gaveUp(synTimes, captureEnd)) {
    return {
      ending: 'timeout',
      detail: 'connect',
      closer: 'client',
      evidence: nonNull([...series.frames, C.rstFrame]),
      apps: { client: 'ETIMEDOUT', server: 'nothing (never saw the SYN, or was not there)' },
      story: `the client sent ${synTimes.length} SYNs ${pacing(synTimes)}, got no answer and stopped${ownRst}: it gave up`,
      hint: 'the server host is down or a firewall drops SYNs silently (a REJECT would answer)',
    };
  }
  // The client tried the same server again on a new port after this attempt's last
  // SYN and never came back to it: it had given up (docs/endings.md, "Other stacks' timers").
  const lastSyn = synTimes.at(-1) ?? synAt;
  if (S.packets === 0 && c.supersededBy !== null && c.supersededBy.time > lastSyn) {
    return {
      ending: 'timeout',
      detail: 'connect',
      closer: 'client',
      evidence: nonNull([C.synFrame, series?.frames.at(-1), C.rstFrame]),
      apps: { client: 'gave up (connect timed out or abandoned)', server: 'nothing (never saw the SYN, or was not there)' },
      story: `the client sent ${C.syns} SYN${C.syns === 1 ? '' : 's'} over ${span(lastSyn - synAt)} without an answer, then opened a new connection to the same server (stream ${c.supersededBy.stream}, ${when(c, c.supersededBy.time)}) instead of retrying this one: it had given up (a connect timeout; macOS gives up after 75 s)`,
      hint: 'the server host is down or a firewall drops SYNs silently (a REJECT would answer)',
    };
  }
  // On a path the capture shows one direction of, a SYN never repeated was answered
  // (its sender would have retried), and not by a SYN-ACK (it sent no ACK): by an RST,
  // or an ICMP error, the tap did not see.
  if (S.packets === 0 && C.syns === 1 && C.rstFrame === null && c.pathOneSided && captureEnd - synAt > 2 * LONGEST_FIRST_SYN_RTO) {
    return {
      ending: 'refused',
      detail: null,
      closer: 'server',
      flags: ['one-sided'],
      evidence: nonNull([C.synFrame]),
      apps: { client: 'ECONNREFUSED (inferred)', server: 'nothing (no listener)' },
      story: `the capture shows only the client's packets between these hosts (another of their connections is one-sided); its one SYN was not sent again in the ${span(captureEnd - synAt)} before the capture ended, and no ACK followed, so it was answered, not with a SYN-ACK: by an RST (or an ICMP error) the tap did not see`,
      hint: 'check that the service runs and listens on that address and port',
    };
  }
  // One SYN, never repeated although every stack retries within seconds: abandoned.
  if (S.packets === 0 && C.syns === 1 && captureEnd - synAt > 2 * LONGEST_FIRST_SYN_RTO) {
    return {
      ending: 'timeout',
      detail: 'connect',
      closer: 'client',
      evidence: nonNull([C.synFrame, C.rstFrame]),
      apps: { client: 'gave up (connect abandoned or timed out)', server: 'nothing (never saw the SYN, or was not there)' },
      story: `the client sent one SYN, got no answer and never sent it again in the ${span(captureEnd - synAt)} before the capture ended${ownRst}: a TCP stack retries within ${LONGEST_FIRST_SYN_RTO} s, so the attempt was abandoned (the application gave up, or a scanner sent a single probe)`,
      hint: 'the server host is down or a firewall drops SYNs silently (a REJECT would answer)',
    };
  }
  const fast = series !== null && !timerPaced ? `, ${pacing(synTimes)}: faster than any TCP stack retransmits a SYN, so a prober's packets` : '';
  const sent = Math.max(C.syns - C.synAcks, 1);
  return {
    ending: 'not-established',
    detail: null,
    closer: null,
    evidence: nonNull([C.synFrame, C.unackedSeries?.frames.at(-1), S.synFrame]),
    apps: { client: fast !== '' ? 'unknown (probes)' : 'connect still pending', server: S.synAcks > 0 ? 'nothing yet (handshake incomplete)' : 'nothing' },
    story: `the handshake had not completed when the capture ended (${sent} SYN${sent === 1 ? '' : 's'} sent${fast}, the last ${span(captureEnd - (synTimes.at(-1) ?? synAt))} before the end)`,
  };
}

/** RST kinds (docs/endings.md): keepalive give-up, MPTCP fast close, injected, after-close, late-fin, stale, abort. */
function reset(c: TrackedConnection, rst: EndingRstRecord): Verdict {
  const by = rst.by;
  const peer = other(by);
  const sender = c.sides[by];
  const receiver = c.sides[peer];
  // The verdicts below are literals of one shape, not a spread of shared fields: V8
  // copies a spread property by property, which showed in the benchmark's diagnosis
  // of reset connections.
  const at = when(c, rst.time);
  const receiverApp = rstReceiverApp(receiver, rst);
  const peerClosedFirst = receiver.finFrame !== null && receiver.finFrame < rst.frame && (sender.finFrame === null || receiver.finFrame < sender.finFrame);
  // Who closed first, when a FIN came before the RST (docs/endings.md: always named).
  const first = peerClosedFirst ? `the ${peer} closed first at ${when(c, receiver.finTime!)} (FIN, frame ${receiver.finFrame}); then ` : '';
  const quoted = rst.text !== null && rst.injected === null ? `; the RST carries the text "${rst.text}"` : '';
  // Linux sends RST+ACK when its keepalive probes run out: that RST is the give-up.
  if (rst.afterUnansweredKeepalives && rst.withAck) {
    return {
      closer: by,
      ending: 'timeout',
      detail: 'keepalive',
      evidence: nonNull([sender.firstKeepaliveFrame, sender.lastKeepaliveFrame, rst.frame]),
      apps: appsOf(by, 'ETIMEDOUT', 'nothing (gone)'),
      story: `the ${by}'s ${sender.keepalives === 1 ? 'keepalive probe' : `${sender.keepalives} keepalive probes`} went unanswered; it gave up and reset the connection at ${at}`,
      hint: `the ${peer} host vanished without closing (crash, power loss, broken path)`,
    };
  }
  // MPTCP (RFC 8684 3.5): MP_FASTCLOSE aborts; the peer must answer it with RST.
  if (rst.answersFastClose > 0) {
    return {
      closer: peer,
      ending: 'reset',
      detail: 'abort',
      evidence: nonNull([rst.answersFastClose, rst.frame]),
      apps: appsOf(peer, 'closed (abortive)', 'ECONNRESET'),
      story: `the ${peer} aborted the MPTCP connection with MP_FASTCLOSE (frame ${rst.answersFastClose}); the ${by}'s RST at ${at} is the reply RFC 8684 requires`,
      hint: `the ${peer} application aborted (MPTCP fast close); look there for the reason`,
    };
  }
  // Made by a device on the path in the sender's name: its host never sent it.
  if (rst.injected !== null) {
    // The forgery closed the peer's socket only: the real host's next segment finds no
    // connection there and is answered with RST (RFC 9293 3.10.7.1), which it acts on.
    const answer = receiver.rstFrame !== null && receiver.rstFrame > rst.frame ? c.timeline[by].find((s) => s.frame === receiver.rstFrame && s.state === 'CLOSED') : undefined;
    const after = answer === undefined ? '' : `; the ${by} host, its socket still open, sent again and the ${peer} host, which no longer knew the connection, answered with RST at ${when(c, answer.time)} (frame ${answer.frame})`;
    return {
      closer: by,
      ending: 'reset',
      detail: 'injected',
      evidence: nonNull([receiver.lastDataFrame, rst.frame, answer?.frame ?? null]),
      apps: appsOf(by, answer === undefined ? 'nothing (its host did not send the RST; its socket may still be open)' : `ECONNRESET (from the ${peer} host's RST, after the forged one)`, receiverApp),
      story: `${first}an RST in the ${by}'s name reached the ${peer} at ${at}, but a middlebox made it, not the ${by} host: ${rst.injected}${after}`,
      hint: `a firewall, load balancer or IPS on the path reset this flow; check its rules, idle timeouts and logs${answer === undefined ? ` (the ${by} may still hold the connection open)` : ''}`,
    };
  }

  // The listener answered the handshake's last ACK with RST at once, having sent nothing
  // but its SYN-ACK: the connection was established for the client only (Linux with
  // tcp_abort_on_overflow and a full accept queue; a listener refusing it).
  if (sender.synAcks > 0 && sender.packets - sender.rsts === sender.syns && receiver.synAcks === 0 && receiver.fins === 0 && rst.peerSilence < ANSWER_SECONDS) {
    return {
      closer: by,
      ending: 'reset',
      detail: 'handshake',
      evidence: nonNull([receiver.synFrame, sender.synFrame, rst.frame]),
      apps: appsOf(by, 'nothing (never accepted)', 'connect succeeded, then ECONNRESET'),
      story: `the ${by} answered the handshake's ACK with RST at ${at}, having sent nothing but its SYN-ACK: it never accepted the connection, though the ${peer}'s connect had succeeded`,
      hint: `the ${by}'s accept queue was full (Linux resets then with tcp_abort_on_overflow) or it refused the connection: check its listen backlog and how fast it accepts`,
    };
  }
  // A state that expired (tcp_fin_timeout, TIME-WAIT) takes seconds: an RST sooner after
  // the sender's own FIN that answers no data is that sender aborting (below).
  const soonAfterFin = rst.sinceSenderFin !== null && rst.sinceSenderFin < ANSWER_SECONDS;
  if (rst.senderHadClosed && (rst.peerWroteAfterClose || rst.unreadAtClose || !soonAfterFin)) {
    const finAt = when(c, sender.finTime ?? rst.time);
    // RST from a side that had closed, answering data that reached it after its close.
    if (rst.peerWroteAfterClose || rst.unreadAtClose) {
      const peerClosedToo = receiver.finFrame !== null && receiver.finFrame < rst.frame;
      return {
        closer: by,
        ending: 'reset',
        detail: 'after-close',
        evidence: nonNull([sender.finFrame, receiver.dataAfterPeerFinFrame, receiver.finFrame !== null && receiver.finFrame < rst.frame ? receiver.finFrame : null, rst.frame]),
        apps: appsOf(by, 'closed', receiverApp),
        story: `${first}the ${by} closed at ${finAt} (FIN, frame ${sender.finFrame}); ${rst.unreadAtClose && !rst.peerWroteAfterClose ? `data from the ${peer} that it had not read by then arrived after its close` : `the ${peer} wrote after that`}${peerClosedToo && !peerClosedFirst ? `, the ${peer} closed too (FIN, frame ${receiver.finFrame})` : ''}, and the ${by} host answered with RST at ${at}${quoted}`,
        hint: rst.unreadAtClose && !rst.peerWroteAfterClose
          ? `the ${by} closed before reading everything the ${peer} sent (Linux answers data arriving after close() with RST): read until EOF before closing`
          : `the ${peer} wrote to a connection whose other end was gone: handle EPIPE (or ignore SIGPIPE) and check for EOF before writing`,
      };
    }
    // RST answering a FIN or ACK that arrived after the closed side's state expired.
    const since = rst.sinceSenderFin ?? 0;
    const late = rst.answersFin ? `FIN (frame ${receiver.finFrame})` : receiver.lastKeepaliveFrame !== null && receiver.lastKeepaliveFrame < rst.frame ? 'keepalive probe' : 'segment';
    const peerClosed = receiver.finFrame !== null && receiver.finFrame < rst.frame;
    const peerGotFin = sender.finAckedFrame !== null;
    return {
      closer: by,
      ending: 'reset',
      detail: 'late-fin',
      evidence: nonNull([sender.finFrame, sender.finAckedFrame, peerClosed ? receiver.finFrame : null, rst.frame]),
      apps: appsOf(by, 'closed', peerClosed ? `${peerGotFin ? 'EOF, ' : ''}closed (its late close drew RST)` : peerGotFin ? 'EOF, then EPIPE on the next write' : 'ECONNRESET'),
      story: `the ${by} closed at ${finAt} (FIN, frame ${sender.finFrame}${peerGotFin ? ', acknowledged' : ''}); ${span(since)} later the ${peer}'s ${late} met no socket and the ${by} host answered with RST${since >= ANSWER_SECONDS ? `: its FIN-WAIT-2 or TIME-WAIT state had expired` : ''}${peerClosed ? '' : ` (the ${peer} had never closed: CLOSE-WAIT)`}`,
      hint: peerClosed
        ? `the ${peer} closed ${span(since)} after the ${by}'s FIN, after the ${by} had dropped the connection: close promptly when read returns 0`
        : `the ${peer} never closed after EOF (CLOSE-WAIT): close the socket when read returns 0`,
    };
  }
  // An RST without ACK, after a silence, from a side that never closed: it no longer
  // knew the connection (a host that restarts takes longer than a second).
  if (!rst.withAck && (rst.senderSilence === null || rst.senderSilence >= ANSWER_SECONDS) && !peerClosedFirst) {
    const later = c.endedInStream;
    return {
      closer: by,
      ending: 'reset',
      detail: 'stale',
      evidence: later !== null ? [later.ackFrame, rst.frame] : nonNull([receiver.lastFrame !== rst.frame ? receiver.lastDataFrame : null, rst.frame]),
      apps: appsOf(by, 'nothing (lost the connection)', receiverApp),
      story: later !== null
        ? `the ${by} opened a new connection on the same ports (stream ${later.stream}) after ${span(rst.senderSilence ?? 0)} of silence here: it no longer knew this one (its host or process restarted); the ${peer}'s socket answered the new SYN with an ACK of this connection (frame ${later.ackFrame}) and the ${by}'s RST to it (frame ${rst.frame}) reset it`
        : `the ${by} answered with RST (no ACK)${rst.senderSilence !== null ? ` after ${span(rst.senderSilence)} of silence` : ''}: it no longer knew the connection (its host restarted or dropped the state)${quoted}`,
      hint: later !== null
        ? `the ${by} restarted without closing its connections; the ${peer} kept this one open until the ${by}'s new SYN on the same ports reset it`
        : `the ${by} host lost its state; the ${peer} held a half-open connection until it wrote`,
    };
  }
  // An RST at the next sequence number from a side that had not closed: an abort.
  return {
    closer: by,
    ending: 'reset',
    detail: 'abort',
    evidence: nonNull([receiver.finFrame !== null && receiver.finFrame < rst.frame ? receiver.finFrame : null, sender.finFrame, receiver.dataAfterPeerFinFrame, rst.frame]),
    apps: appsOf(by, 'closed (abortive)', receiverApp),
    story: `${first}the ${by} ${sender.finFrame !== null ? `sent its FIN (frame ${sender.finFrame}) and ${span(rst.sinceSenderFin ?? 0)} later reset the connection with RST at ${at}: an abortive close` : `aborted the connection with RST at ${at} instead of closing it`}${rst.withAck ? '' : ' (an RST without the ACK flag)'}${quoted}`,
    hint: `the ${by} closed with SO_LINGER {on, 0}, closed with unread data in its receive buffer (Linux sends RST), or was killed`,
  };
}

function graceful(c: TrackedConnection): Verdict {
  const C = c.sides.client;
  const S = c.sides.server;
  const first: Side = (C.finFrame ?? Infinity) <= (S.finFrame ?? Infinity) ? 'client' : 'server';
  const second = other(first);
  const a = c.sides[first];
  const p = c.sides[second];
  // A FIN the capture did not show (one direction captured) is dated by the ACK of it:
  // coming later than any delayed ACK waits (200 ms on Linux and Windows), the ACK of
  // the first FIN went out alone before it; sooner, FIN and ACK are taken as one.
  const threeSegments = p.finInferred
    ? (p.finTime ?? 0) - (a.finTime ?? 0) <= DELAYED_ACK_MAX_SECONDS
    : a.finAckedFrame !== null && a.finAckedFrame === p.finFrame;
  const flags: DiagnosisFlag[] = [];
  // A FIN captured twice was sent once (hardware duplicates): not a retransmission.
  if (p.fins - p.duplicateFins > 1) flags.push('lost-last-ack');
  if (a.fins - a.duplicateFins > 1) flags.push('fin-retransmitted');
  return {
    ending: 'graceful',
    detail: threeSegments ? 'three-segment close' : 'four-segment close',
    closer: first,
    flags,
    evidence: nonNull([a.finFrame, a.finAckedFrame, p.finFrame, p.finAckedFrame]),
    // EOF is claimed only for a FIN seen acknowledged (the capture may end before the last ACK).
    apps: appsOf(first, p.finAckedFrame !== null ? 'EOF' : 'unknown (its peer\'s FIN was not seen acknowledged)', 'EOF'),
    story: `the ${first} closed first at ${when(c, a.finTime ?? c.start)}; ${p.finInferred ? `the capture shows no packet from the ${second}, but the ${first}'s ACK at frame ${p.finFrame} acknowledges its FIN, so the ${second} ` : `the ${second} `}${threeSegments ? 'acknowledged and closed in one segment (FIN+ACK)' : `acknowledged, then closed ${span((p.finTime ?? c.start) - (a.finTime ?? c.start))} later`}; ${p.finAckedFrame !== null ? `the ${first} holds TIME-WAIT` : `the capture ended ${span(c.reportedAt - (p.finTime ?? c.start))} after that FIN, before any ACK of it`}${flags.includes('lost-last-ack') ? '; the last ACK was lost, so the ' + second + ' retransmitted its FIN' : ''}`,
  };
}


/** An ICMP destination-unreachable quoting this connection's packet. */
function icmpUnreachable(c: TrackedConnection, events: IcmpRecord[], established: boolean): Verdict {
  const last = events[events.length - 1]!;
  const { detail, errno } = icmpReason(last);
  const victim = last.about;
  const evidence = events.map((e) => e.frame);
  // A port unreachable answering the SYN is a refusal, like an RST.
  if (!established && detail === 'port-unreachable') {
    return {
      ending: 'refused',
      detail: 'icmp-port-unreachable',
      closer: other(victim),
      evidence,
      apps: appsOf(victim, 'ECONNREFUSED', 'nothing'),
      story: `the ${other(victim)} side answered with ICMP port unreachable: nothing was listening`,
      hint: 'check that the service runs and listens on that address and port',
    };
  }
  return {
    ending: 'unreachable',
    detail,
    closer: null,
    evidence,
    apps: appsOf(victim, errno, 'nothing'),
    story: `${events.length} ICMP ${detail} message${events.length === 1 ? '' : 's'} about the ${victim}'s packets${established ? ' ended the established connection' : ' answered the connection attempt'}`,
    hint: 'a router or firewall on the path rejects this traffic: check routes and filters towards the peer',
  };
}

/** The plain-words explanation: what happened, what each application saw, the evidence, a hint. */
function explanation(c: TrackedConnection, v: Verdict): string {
  // ASCII, so machine output stays one-byte strings: a '→' made V8 build every NDJSON
  // line as UTF-16 and encode it again.
  const who = `${formatEndpoint(c.client)} -> ${formatEndpoint(c.server)}`;
  const apps = `client saw ${v.apps.client}; server saw ${v.apps.server}`;
  const evidence = v.evidence.length > 0 ? ` Evidence: frame${v.evidence.length === 1 ? '' : 's'} ${v.evidence.join(', ')}.` : '';
  const hint = v.hint !== undefined ? ` Hint: ${v.hint}.` : '';
  return `${who}: ${v.story} (${apps}).${evidence}${hint}`;
}
