import { connectionReport, type ConnectionReport } from '../../../report/connection-report.js';
import { renderLadder, type LadderSegment } from '../../../report/ladder.js';
import { trackCapture } from '../../../track/track-capture.js';
import { formatEndpoint } from '../../../track/report.js';
import { formatAddress } from '../../../decode/address.js';
import { EXIT_BAD_INPUT, EXIT_OK, failureLine, writeOut } from '../../fail.js';

export interface ShowArgs {
  file: string;
  stream: number;
}

/** One connection's story: the ladder of both timelines, then the diagnosis in full. */
export async function showHandler(args: ShowArgs): Promise<number> {
  const segments: LadderSegment[] = [];
  let report: ConnectionReport | null = null;
  try {
    await trackCapture(
      args.file,
      (tracked) => {
        if (tracked.stream === args.stream) report = connectionReport(tracked);
      },
      {
        onSegment: (rec, d, stream) => {
          if (stream !== args.stream) return;
          const t = d.tcp;
          segments.push({
            frame: rec.frame,
            time: rec.tsSec + rec.tsNsec / 1e9,
            srcIp: formatAddress(d.ip.version, d.ip.src),
            srcPort: t.srcPort,
            flags: t.flags,
            seq: t.seq,
            ack: t.ack,
            len: t.payloadLength,
            window: t.window,
          });
        },
      },
    );
  } catch (err) {
    process.stderr.write(failureLine(args.file, err) + '\n');
    return EXIT_BAD_INPUT;
  }
  const c = report as ConnectionReport | null;
  if (c === null) {
    process.stderr.write(`teardown: ${args.file}: no stream ${args.stream} in the capture\n`);
    return EXIT_BAD_INPUT;
  }
  const apps = `client: ${c.apps.client}\n  server: ${c.apps.server}`;
  const text = [
    `stream ${c.stream}: ${formatEndpoint(c.client)} → ${formatEndpoint(c.server)}${c.roleGuessed ? ' (roles guessed)' : ''}`,
    `ending: ${c.ending}${c.detail === null ? '' : ` (${c.detail})`}${c.closer === null ? '' : `, closed by ${c.closer === 'both' ? 'both sides' : `the ${c.closer}`}`}`,
    '',
    renderLadder(c, segments),
    '  (* a change inferred from what the capture shows the other side sent)',
    '',
    c.explanation,
    '',
    `what the applications saw:\n  ${apps}`,
    `evidence: frames ${c.evidence.join(', ')}`,
    `flags: ${c.flags.length === 0 ? '-' : c.flags.join(' ')}`,
    `Wireshark: ${c.filter}`,
    `Zeek: conn_state ${c.zeek.connState}, history ${c.zeek.history}`,
  ];
  await writeOut(text.join('\n') + '\n');
  return EXIT_OK;
}
