import type { EndingRstRecord, IcmpRecord, TrackedConnection } from '../track/report.js';
import { formatEndpoint } from '../track/report.js';
import { gaveUp } from '../state/backoff.js';
import type { Diagnosis, Side } from './types.js';
import { zeekConnState } from './zeek.js';
import { sortedUnique } from '../sorted-unique.js';

type Verdict = Pick<Diagnosis, 'ending' | 'detail' | 'closer' | 'evidence' | 'apps'> & { flags?: string[]; story: string; hint?: string };

const other = (s: Side): Side => (s === 'client' ? 'server' : 'client');

/** A moment of the connection as an offset from its first packet. */
function when(c: TrackedConnection, time: number): string {
  return `+${(time - c.start).toFixed(3)} s`;
}

/** Time of the step at `frame` on `side`'s timeline (the FIN it sent, say). */
function timeOfFrame(c: TrackedConnection, frame: number | null): number | null {
  if (frame === null) return null;
  for (const side of ['client', 'server'] as const) {
    const step = c.timeline[side].find((s) => s.frame === frame);
    if (step !== undefined) return step.time;
  }
  return null;
}

/** What each application saw, given what `who` saw and what its peer saw. */
function appsOf(who: Side, mine: string, theirs: string): Diagnosis['apps'] {
  return who === 'client' ? { client: mine, server: theirs } : { client: theirs, server: mine };
}
const nonNull = (xs: (number | null | undefined)[]): number[] => xs.filter((x): x is number => typeof x === 'number' && x > 0);

/**
 * How a connection ended and why: a pure function of its observed record and the time
 * the capture stopped (capture/capture-end.ts). The rules follow shared/spec/teardown.md;
 * each is introduced by the one sentence of evidence that decides it.
 */
export function diagnose(c: TrackedConnection, captureEnd: number): Diagnosis {
  const v = verdict(c, captureEnd);
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

function verdict(c: TrackedConnection, captureEnd: number): Verdict {
  const C = c.sides.client;
  const S = c.sides.server;
  const rst = c.endingRst;
  const unreachable = c.icmp.filter(isUnreachable);

  if (!c.established) return beforeEstablished(c, captureEnd, unreachable);

  // An RST that the receiver acted on (in window, RFC 5961) ended it.
  if (rst !== null) return reset(c, rst);

  // Both FINs crossed: each was sent before its sender had the other's, so both
  // sides went through CLOSING (RFC 9293 3.6, simultaneous close).
  const closing = (side: Side): boolean => c.timeline[side].some((s) => s.state === 'CLOSING');
  if (C.fins > 0 && S.fins > 0 && closing('client') && closing('server')) {
    return {
      ending: 'simultaneous-close',
      detail: null,
      closer: 'both',
      evidence: nonNull([C.finFrame, S.finFrame, C.finAckedFrame, S.finAckedFrame]),
      apps: { client: 'EOF', server: 'EOF' },
      story: 'both sides closed at the same time: their FINs crossed, both went through CLOSING and both hold TIME-WAIT',
    };
  }

  // Both sent FIN and the second one answers the first: a sequential close.
  if (C.fins > 0 && S.fins > 0) return graceful(c);

  // An ICMP unreachable about an established connection, and no close after it.
  if (unreachable.length > 0) return icmpUnreachable(c, unreachable, true);

  // One side closed and its FIN was acknowledged; the other neither closed nor reset.
  const closer: Side | null = C.fins > 0 ? 'client' : S.fins > 0 ? 'server' : null;
  if (closer !== null) {
    const x = c.sides[closer];
    if (x.finAckedFrame !== null) {
      const open = other(closer);
      const wrote = c.sides[open].dataAfterPeerFinFrame;
      return {
        ending: 'half-closed',
        detail: `${closer}-closed`,
        closer,
        evidence: nonNull([x.finFrame, x.finAckedFrame, wrote]),
        apps: appsOf(closer, 'nothing yet (waiting for the peer to close)', 'EOF, not closed'),
        story: `the ${closer} closed at ${when(c, timeOfFrame(c, x.finFrame) ?? c.start)} (FIN acknowledged) but the ${open} never closed its side${wrote !== null ? ', though it kept sending data' : ''}: the ${open} sat in CLOSE-WAIT for ${(c.reportedAt - (timeOfFrame(c, x.finFrame) ?? c.start)).toFixed(1)} s, the ${closer} in FIN-WAIT-2, until the capture ended`,
        hint: `check that the ${open} application closes the socket when read returns 0 (EOF); a CLOSE-WAIT that lasts is a leak`,
      };
    }
  }

  // A side kept retransmitting unacknowledged data (or FIN) with growing back-off.
  for (const side of ['client', 'server'] as const) {
    const series = c.sides[side].unackedSeries;
    if (series === null || series.times.length < 2) continue;
    const peer = other(side);
    if (gaveUp(series.times, captureEnd)) {
      return {
        ending: 'timeout',
        detail: 'retransmission',
        closer: side,
        evidence: series.frames,
        apps: appsOf(side, 'ETIMEDOUT', 'nothing (unreachable or gone)'),
        story: `the ${side} retransmitted ${series.kind === 'fin' ? 'its FIN' : 'data'} ${series.frames.length - 1} times with growing back-off and no ACK from the ${peer}, then went silent: it gave up`,
        hint: `the ${peer} host or the path to it disappeared; check its health and any firewall between them`,
      };
    }
    return {
      ending: 'half-open',
      detail: 'retransmission',
      closer: null,
      evidence: series.frames,
      apps: appsOf(side, 'blocked in write (will see ETIMEDOUT)', 'nothing (unreachable or gone)'),
      story: `the ${peer} stopped answering; the ${side} was still retransmitting (${series.frames.length} transmissions) when the capture ended`,
      hint: `the ${peer} host or the path to it is gone; the ${side} will give up after its retry limit (tcp_retries2 on Linux)`,
    };
  }

  // Keepalive probes went unanswered until the capture ended: the peer is gone.
  for (const side of ['client', 'server'] as const) {
    const s = c.sides[side];
    if (s.lastKeepaliveFrame !== null && !s.keepalivesAnswered) {
      const peer = other(side);
      return {
        ending: 'half-open',
        detail: 'keepalive',
        closer: null,
        evidence: nonNull([s.firstKeepaliveFrame, s.lastKeepaliveFrame]),
        apps: appsOf(side, 'nothing yet (keepalive probing)', 'nothing (unreachable or gone)'),
        story: `the ${side}'s keepalive probes went unanswered until the capture ended: the ${peer} is gone`,
        hint: `the ${side} will drop the connection with ETIMEDOUT once its keepalive probes run out`,
      };
    }
  }

  const idle = captureEnd - c.end;
  return {
    ending: 'open',
    detail: null,
    closer: null,
    evidence: [c.lastFrame],
    apps: { client: 'nothing yet', server: 'nothing yet' },
    story: `still open when the capture ended, idle for ${idle.toFixed(1)} s${C.keepalivesAnswered && C.lastKeepaliveFrame !== null ? ' (keepalives answered)' : ''}`,
  };
}

/** The handshake never completed: refused, unreachable, timed out, reset or pending. */
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
  const synTimes = C.unackedSeries?.kind === 'syn' ? C.unackedSeries.times : [];
  // SYNs repeated with growing back-off, then silence: connect() timed out.
  if (S.packets === 0 && gaveUp(synTimes, captureEnd)) {
    return {
      ending: 'timeout',
      detail: 'connect',
      closer: 'client',
      evidence: C.unackedSeries!.frames,
      apps: { client: 'ETIMEDOUT', server: 'nothing (never saw the SYN, or was not there)' },
      story: `the client sent ${synTimes.length} SYNs with growing back-off and got no answer, then gave up`,
      hint: 'the server host is down or a firewall drops SYNs silently (a REJECT would answer)',
    };
  }
  return {
    ending: 'not-established',
    detail: null,
    closer: null,
    evidence: nonNull([C.synFrame, C.unackedSeries?.frames.at(-1), S.synFrame]),
    apps: { client: 'connect still pending', server: S.synAcks > 0 ? 'nothing yet (handshake incomplete)' : 'nothing' },
    story: `the handshake had not completed when the capture ended (${Math.max(C.syns - C.synAcks, 1)} SYN${C.syns - C.synAcks === 1 ? '' : 's'} sent)`,
  };
}

/** RST kinds (teardown.md): keepalive give-up, after-close, late-fin, stale, abort. */
function reset(c: TrackedConnection, rst: EndingRstRecord): Verdict {
  const by = rst.by;
  const peer = other(by);
  const sender = c.sides[by];
  const receiver = c.sides[peer];
  // The verdicts below are literals of one shape, not a spread of shared fields: V8
  // copies a spread property by property (measured: 4.6 µs per reset connection, a
  // third of diagnosing them).
  const evidence = nonNull([sender.finFrame, receiver.dataAfterPeerFinFrame, rst.frame]);
  const at = when(c, rst.time);
  // Linux sends RST+ACK when its keepalive probes run out: that RST is the give-up.
  if (rst.afterUnansweredKeepalives && rst.withAck) {
    return {
      closer: by,
      ending: 'timeout',
      detail: 'keepalive',
      evidence: nonNull([sender.firstKeepaliveFrame, sender.lastKeepaliveFrame, rst.frame]),
      apps: appsOf(by, 'ETIMEDOUT', 'nothing (gone)'),
      story: `the ${by}'s keepalive probes went unanswered; it gave up and reset the connection`,
      hint: `the ${peer} host vanished without closing (crash, power loss, broken path)`,
    };
  }
  if (rst.senderHadClosed) {
    // RST from a side that had closed, answering data written after that close.
    if (rst.peerWroteAfterClose) {
      return {
        closer: by,
        ending: 'reset',
        detail: 'after-close',
        evidence,
        apps: appsOf(by, 'EOF, closed', 'EOF, then EPIPE on the next write'),
        story: `the ${by} had closed; the ${peer} wrote after that and the ${by} host answered with RST at ${at}`,
        hint: `the ${peer} wrote to a connection whose other end was gone: handle EPIPE (or ignore SIGPIPE) and check for EOF before writing`,
      };
    }
    // RST answering a FIN or ACK that arrived after the closed side's state expired.
    return {
      closer: by,
      ending: 'reset',
      detail: 'late-fin',
      evidence: nonNull([sender.finFrame, receiver.finFrame, rst.frame]),
      apps: appsOf(by, 'EOF, closed', 'EOF, then ECONNRESET (or EPIPE) for a late close'),
      story: `the ${by} had closed long before (${(rst.senderSilence ?? 0).toFixed(1)} s silent); the ${peer}'s late ${rst.answersFin ? 'FIN' : 'segment'} met no socket and was answered with RST`,
      hint: `the ${peer} closed only after the ${by}'s FIN-WAIT-2 or TIME-WAIT had expired: it held the connection half-closed too long`,
    };
  }
  // An RST without ACK from a side that never closed: it no longer knew the connection.
  if (!rst.withAck) {
    return {
      closer: by,
      ending: 'reset',
      detail: 'stale',
      evidence: nonNull([receiver.lastFrame !== rst.frame ? receiver.lastDataFrame : null, rst.frame]),
      apps: appsOf(by, 'nothing (lost the connection)', 'ECONNRESET'),
      story: `the ${by} answered with RST (no ACK)${rst.senderSilence !== null ? ` after ${rst.senderSilence.toFixed(1)} s of silence` : ''}: it had lost the connection (rebooted or restarted)`,
      hint: `the ${by} host lost its state; the ${peer} held a half-open connection until it wrote`,
    };
  }
  // RST+ACK at the next sequence number from a side that had not closed: an abort.
  const inCloseWait = rst.receiverState === 'CLOSE-WAIT';
  return {
    closer: by,
    ending: 'reset',
    detail: 'abort',
    evidence,
    apps: appsOf(by, 'closed (abortive)', inCloseWait ? 'EOF, then EPIPE on write' : 'ECONNRESET'),
    story: `the ${by} aborted the connection with RST at ${at} instead of closing it`,
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
  const threeSegments = a.finAckedFrame !== null && a.finAckedFrame === p.finFrame;
  const flags: string[] = [];
  if (p.fins > 1) flags.push('lost-last-ack');
  if (a.fins > 1) flags.push('fin-retransmitted');
  return {
    ending: 'graceful',
    detail: threeSegments ? 'three-segment close' : 'four-segment close',
    closer: first,
    flags,
    evidence: nonNull([a.finFrame, a.finAckedFrame, p.finFrame, p.finAckedFrame]),
    apps: { client: 'EOF', server: 'EOF' },
    story: `the ${first} closed first at ${when(c, timeOfFrame(c, a.finFrame) ?? c.start)}; the ${second} ${threeSegments ? 'acknowledged and closed in one segment (FIN+ACK)' : 'acknowledged, then closed'}; the ${first} holds TIME-WAIT${flags.includes('lost-last-ack') ? '; the last ACK was lost, so the ' + second + ' retransmitted its FIN' : ''}`,
  };
}

function isUnreachable(e: IcmpRecord): boolean {
  return (e.version === 4 && e.type === 3) || (e.version === 6 && e.type === 1);
}

/** ICMP reasons as Linux reports them to the application (net/ipv4/icmp.c icmp_err_convert). */
function icmpReason(e: IcmpRecord): { detail: string; errno: string } {
  if (e.version === 4) {
    switch (e.code) {
      case 0: return { detail: 'net-unreachable', errno: 'ENETUNREACH' };
      case 1: return { detail: 'host-unreachable', errno: 'EHOSTUNREACH' };
      case 2: return { detail: 'protocol-unreachable', errno: 'ENOPROTOOPT' };
      case 3: return { detail: 'port-unreachable', errno: 'ECONNREFUSED' };
      case 4: return { detail: 'fragmentation-needed', errno: 'EMSGSIZE' };
      case 9:
      case 10:
      case 13: return { detail: 'administratively-prohibited', errno: 'EHOSTUNREACH' };
      default: return { detail: `code-${e.code}`, errno: 'EHOSTUNREACH' };
    }
  }
  switch (e.code) {
    case 0: return { detail: 'no-route', errno: 'ENETUNREACH' };
    case 1: return { detail: 'administratively-prohibited', errno: 'EACCES' };
    case 3: return { detail: 'address-unreachable', errno: 'EHOSTUNREACH' };
    case 4: return { detail: 'port-unreachable', errno: 'ECONNREFUSED' };
    default: return { detail: `code-${e.code}`, errno: 'EHOSTUNREACH' };
  }
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
  // line as UTF-16 and re-encode it, measured 15% of `analyze --format ndjson`.
  const who = `${formatEndpoint(c.client)} -> ${formatEndpoint(c.server)}`;
  const apps = `client saw ${v.apps.client}; server saw ${v.apps.server}`;
  const evidence = v.evidence.length > 0 ? ` Evidence: frame${v.evidence.length === 1 ? '' : 's'} ${v.evidence.join(', ')}.` : '';
  const hint = v.hint !== undefined ? ` Hint: ${v.hint}.` : '';
  return `${who}: ${v.story} (${apps}).${evidence}${hint}`;
}
