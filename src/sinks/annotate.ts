import type { ConnectionReport } from '../diagnosis/report.js';
import type { Step } from '../state/timeline.js';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { Spool } from '../pipeline/output.js';
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

/**
 * Each connection's comments, kept on disk as they come (a line per connection, in
 * capture order: by first frame), so memory does not grow with the capture's
 * connections; `queue()` hands them back by frame for the copy.
 */
export class AnnotateSink extends QuietSink {
  private readonly spool = new Spool();
  connections = 0;
  ended: FileEnd | null = null;

  connection(report: ConnectionReport): void {
    this.connections++;
    this.spool.out.push(JSON.stringify([report.firstFrame, frameComments(report)]));
  }

  override async fileEnd(_file: string, end: FileEnd): Promise<void> {
    this.ended = end;
  }

  /** The comments, by frame, read back from the spool (which `close` then removes). */
  queue(): CommentQueue {
    const pass = new PassThrough();
    this.spool.copyTo(pass).then(
      () => pass.end(),
      (err: Error) => pass.destroy(err),
    );
    return new CommentQueue(createInterface({ input: pass, crlfDelay: Infinity })[Symbol.asyncIterator]());
  }

  close(): void {
    this.spool.close();
  }
}

type SpooledLine = [firstFrame: number, comments: Array<[frame: number, text: string]>];

/**
 * Comments handed out by frame, for a copy that walks the frames in order. A
 * connection's comments are read in when the copy reaches its first frame and dropped as
 * their frames pass, so what is held is the comments of the connections open at the
 * frame being copied, as the tracker holds them.
 */
export class CommentQueue {
  private readonly pending = new Map<number, string[]>();
  private next: SpooledLine | null = null;
  private done = false;
  /** The frame at which the next connection's comments must be read in (Infinity: none left). */
  nextFirst = 0;
  /** Comments whose frame had passed when they were read in (none, as connections come by first frame). */
  missed = 0;

  constructor(private readonly lines: AsyncIterator<string>) {}

  /** Reads in every connection whose first frame is at most `frame`. */
  async loadUpTo(frame: number): Promise<void> {
    for (;;) {
      if (this.next === null && !this.done) {
        const line = await this.lines.next();
        if (line.done === true) this.done = true;
        else this.next = JSON.parse(line.value) as SpooledLine;
      }
      const next = this.next;
      if (next === null || next[0] > frame) break;
      this.next = null;
      for (const [at, text] of next[1]) {
        if (at < frame) this.missed++;
        else {
          const texts = this.pending.get(at);
          if (texts === undefined) this.pending.set(at, [text]);
          else texts.push(text);
        }
      }
    }
    this.nextFirst = this.next === null ? Infinity : this.next[0];
  }

  /** The comments on `frame`, handed out once. */
  take(frame: number): string[] | undefined {
    const texts = this.pending.get(frame);
    if (texts !== undefined) this.pending.delete(frame);
    return texts;
  }

  /** Comments left for frames the copy never reached (a capture cut short after its analysis). */
  get left(): number {
    let n = 0;
    for (const texts of this.pending.values()) n += texts.length;
    return n;
  }
}
