import type { ConnectionReport } from '../diagnosis/report.js';
import type { Step } from '../state/timeline.js';
import { QuietSink, type FileEnd } from '../pipeline/sink.js';

/**
 * The comments `annotate` puts in a capture, from the same report every other format
 * writes: the verdict and its explanation on the connection's first frame, and on each
 * evidence frame what that frame did to each side's state. Each starts "teardown:" so
 * that a display filter (`frame.comment contains "teardown"`) finds them among the
 * comments the capture already had.
 */
export function frameComments(c: ConnectionReport): Array<[frame: number, text: string]> {
  const verdict = `teardown: stream ${c.stream} ${c.ending}${c.detail === null ? '' : ` (${c.detail})`}`;
  const comments: Array<[number, string]> = [[c.firstFrame, `${verdict}: ${c.explanation}`]];
  c.evidence.forEach((frame, i) => {
    const changes = [stepsAt('client', c.timeline.client, frame), stepsAt('server', c.timeline.server, frame), ...factsAt(c, frame)].filter((t) => t !== '');
    const what = changes.length === 0 ? '' : `: ${changes.join('; ')}`;
    comments.push([frame, `${verdict}, evidence ${i + 1} of ${c.evidence.length}${what} (the verdict is on frame ${c.firstFrame})`]);
  });
  return comments;
}

/** "server: sent FIN → FIN-WAIT-1", each change a side made at `frame` in its own words; a state the capture only implies is marked inferred. */
function stepsAt(side: 'client' | 'server', steps: readonly Step[], frame: number): string {
  return steps
    .filter((s) => s.frame === frame)
    .map((s) => `${side}: ${s.cause} → ${s.state}${s.inferred ? ' (inferred)' : ''}`)
    .join(', ');
}

/** What else the report records of `frame`, for evidence that changed no state (data after a FIN, a keepalive, an ICMP error). */
function factsAt(c: ConnectionReport, frame: number): string[] {
  const facts: string[] = [];
  for (const side of ['client', 'server'] as const) {
    const s = c.sides[side];
    const peer = side === 'client' ? 'server' : 'client';
    if (s.dataAfterPeerFinFrame === frame) facts.push(`${side}: data after the ${peer}'s FIN`);
    if (s.firstKeepaliveFrame === frame) facts.push(`${side}: first keepalive`);
    if (s.lastKeepaliveFrame === frame && s.lastKeepaliveFrame !== s.firstKeepaliveFrame) facts.push(`${side}: last keepalive${s.keepalivesAnswered ? '' : ', unanswered'}`);
  }
  for (const e of c.icmp) if (e.frame === frame) facts.push(`ICMPv${e.version === 4 ? '4' : '6'} type ${e.type} code ${e.code} about the ${e.about}'s packet`);
  return facts;
}

/** Collects every connection's comments by frame, for the copy that writes them. */
export class AnnotateSink extends QuietSink {
  readonly comments = new Map<number, string[]>();
  connections = 0;
  ended: FileEnd | null = null;

  connection(report: ConnectionReport): void {
    this.connections++;
    for (const [frame, text] of frameComments(report)) {
      const texts = this.comments.get(frame);
      if (texts === undefined) this.comments.set(frame, [text]);
      else texts.push(text);
    }
  }

  override async fileEnd(_file: string, end: FileEnd): Promise<void> {
    this.ended = end;
  }
}
