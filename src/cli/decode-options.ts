import type { Argv } from 'yargs';
import type { DecodeOptions } from '../decode/packet.js';
import { DEFAULT_UDP_TUNNEL_PORTS, UDP_TUNNEL_KINDS, type UdpTunnelKind } from '../decode/tunnel.js';

/** How every command that decodes reads what a frame does not say itself. */
export interface DecodeArgs {
  'decode-as'?: string[];
  checksums?: boolean;
}

const DEFAULTS = Object.entries(DEFAULT_UDP_TUNNEL_PORTS)
  .map(([port, kind]) => `${port}=${kind}`)
  .join(', ');

/**
 * `--decode-as PORT=KIND`: a UDP port that carries a tunnel, as Wireshark's "Decode As"
 * (Linux's VXLAN devices default to port 8472, not IANA's 4789). Repeatable, or
 * comma-separated; checked before any capture is read.
 */
export function withDecodeOptions<T>(y: Argv<T>): Argv<T & DecodeArgs> {
  return y
    .option('decode-as', {
      type: 'string',
      coerce: (values: string | string[]) => [values].flat().flatMap((v) => String(v).split(',')).filter((v) => v !== '').map(checked),
      describe: `UDP port of a tunnel, PORT=KIND (KIND: ${UDP_TUNNEL_KINDS.join(', ')}); besides ${DEFAULTS}`,
    })
    .option('checksums', {
      type: 'boolean',
      default: false,
      describe: 'check IPv4 header and TCP checksums as Zeek does and leave out segments that fail (counted in a warning); off as in Wireshark, since a capture taken on a sending host holds checksums not yet filled in (offload)',
    }) as Argv<T & DecodeArgs>;
}

function checked(text: string): string {
  const m = /^(\d+)=(.+)$/.exec(text);
  if (m === null || Number(m[1]) > 65535 || !(UDP_TUNNEL_KINDS as readonly string[]).includes(m[2]!)) {
    throw new Error(`--decode-as: ${text} is not PORT=KIND (a port 0 to 65535; KIND one of ${UDP_TUNNEL_KINDS.join(', ')})`);
  }
  return text;
}

export function decodeOptions(args: DecodeArgs): DecodeOptions {
  const ports: Record<number, UdpTunnelKind> = {};
  for (const text of args['decode-as'] ?? []) {
    const [port, kind] = text.split('=');
    ports[Number(port)] = kind as UdpTunnelKind;
  }
  return { udpTunnelPorts: ports, checksums: args.checksums === true };
}
