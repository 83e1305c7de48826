import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../decode/tcp.js';
import { seqDiff } from '../state/seq.js';
import type { Step } from '../state/timeline.js';
import type { ConnectionReport } from './connection-report.js';
import { formatEndpoint } from '../track/report.js';

/** One segment of the connection, as the ladder draws it. */
export interface LadderSegment {
  frame: number;
  time: number;
  /** Sender, to tell the direction once the roles are known. */
  srcIp: string;
  srcPort: number;
  flags: number;
  /** int32 form (state/seq.ts). */
  seq: number;
  ack: number;
  len: number;
  window: number;
}

const STATE_WIDTH = 24;
const ARROW_WIDTH = 46;

function flagNames(flags: number): string {
  const names: string[] = [];
  if (flags & TCP_SYN) names.push('SYN');
  if (flags & TCP_FIN) names.push('FIN');
  if (flags & TCP_RST) names.push('RST');
  if (flags & TCP_PSH) names.push('PSH');
  if (flags & TCP_ACK) names.push('ACK');
  return names.join(',');
}

/** The state changes a side made at `frame`, as "STATE" (inferred ones marked *). */
function changesAt(steps: readonly Step[], frame: number): string {
  return steps
    .filter((s) => s.frame === frame)
    .map((s) => `${s.state}${s.inferred ? '*' : ''}`)
    .join(' → ');
}

/**
 * The connection's story as a ladder: the client's column on the left, the server's on
 * the right, one arrow per segment (flags, relative seq/ack, length, time since the
 * first packet), and each side's state changes beside the frame that caused them.
 * Relative numbers start from each side's first sequence number, as Wireshark's do.
 */
export function renderLadder(c: ConnectionReport, segments: readonly LadderSegment[]): string {
  const fromClient = (s: LadderSegment): boolean => s.srcPort === c.client.port && s.srcIp === c.client.ip;
  const base = (client: boolean): number | null => {
    const isn = client ? c.sides.client.isn : c.sides.server.isn;
    if (isn !== null) return isn | 0;
    const first = segments.find((s) => fromClient(s) === client);
    return first === undefined ? null : (first.seq - 1) | 0;
  };
  const clientBase = base(true);
  const serverBase = base(false);
  const rel = (n: number, b: number | null): string => (b === null ? String(n >>> 0) : String(seqDiff(n, b) >>> 0));
  const t0 = c.start;
  const lines: string[] = [];
  const pad = (s: string, n: number): string => (s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length));
  const left = `client ${formatEndpoint(c.client)}`;
  const right = `server ${formatEndpoint(c.server)}`;
  lines.push(`${' '.repeat(20)}${pad(left, STATE_WIDTH + ARROW_WIDTH / 2)}${right}`);
  for (const s of segments) {
    const out = fromClient(s);
    const label = `${flagNames(s.flags)} seq=${rel(s.seq, out ? clientBase : serverBase)}${s.flags & TCP_ACK ? ` ack=${rel(s.ack, out ? serverBase : clientBase)}` : ''} len=${s.len}`;
    const body = ` ${label} `;
    // Two dashes, the label, dashes to fill, and the arrowhead: ARROW_WIDTH in all.
    const dashes = Math.max(1, ARROW_WIDTH - body.length - 3);
    const arrow = out ? `──${body}${'─'.repeat(dashes)}▶` : `◀${'─'.repeat(dashes)}${body}──`;
    const time = `+${(s.time - t0).toFixed(6)}`.padStart(11);
    const frame = `#${s.frame}`.padEnd(7);
    const clientChange = changesAt(c.timeline.client, s.frame);
    const serverChange = changesAt(c.timeline.server, s.frame);
    lines.push(`${time} ${frame} ${pad(clientChange, STATE_WIDTH).padStart(STATE_WIDTH)} ${pad(arrow, ARROW_WIDTH)} ${serverChange}`);
  }
  // Changes with no frame of their own (timers): TIME-WAIT expiry, giving up.
  for (const side of ['client', 'server'] as const) {
    for (const step of c.timeline[side].filter((x) => x.frame === null || !segments.some((s) => s.frame === x.frame))) {
      lines.push(`${`+${(step.time - t0).toFixed(6)}`.padStart(11)} ${'(timer)'.padEnd(7)} ${side === 'client' ? `${step.state}*`.padStart(STATE_WIDTH) : ' '.repeat(STATE_WIDTH)} ${' '.repeat(ARROW_WIDTH)} ${side === 'server' ? `${step.state}*` : ''}   ${step.cause}`);
    }
  }
  return lines.join('\n');
}
