import { hash } from 'node:crypto';
import { BlockList } from 'node:net';
import type { PacketRecord } from '../capture/record.js';
import type { PacketDecoder } from '../decode/packet.js';
import type { TunnelRecord } from '../decode/tunnel.js';
import type { ConnectionReport } from '../diagnosis/report.js';
import type { FileEnd } from '../pipeline/sink.js';
import { WrittenSink } from './written.js';
import { ZeekConnTracker, type ZeekConnRow } from '../zeek/conn-log.js';

/** The two Zeek log styles: ASCII (TSV with # headers, zeek-cut's input) and JSON lines. */
export type ZeekStyle = 'zeek' | 'zeek-json';

/**
 * conn.log's columns as Zeek 6 writes them (scripts/base/protocols/conn/main.zeek,
 * Conn::Info), then ours. Zeek types: `time` and `interval` are seconds with six decimals,
 * `port` and `count` whole numbers, `bool` T or F, `set[string]` comma separated.
 */
const COLUMNS: readonly (readonly [name: string, type: string])[] = [
  ['ts', 'time'],
  ['uid', 'string'],
  ['id.orig_h', 'addr'],
  ['id.orig_p', 'port'],
  ['id.resp_h', 'addr'],
  ['id.resp_p', 'port'],
  ['proto', 'enum'],
  ['service', 'string'],
  ['duration', 'interval'],
  ['orig_bytes', 'count'],
  ['resp_bytes', 'count'],
  ['conn_state', 'string'],
  ['local_orig', 'bool'],
  ['local_resp', 'bool'],
  ['missed_bytes', 'count'],
  ['history', 'string'],
  ['orig_pkts', 'count'],
  ['orig_ip_bytes', 'count'],
  ['resp_pkts', 'count'],
  ['resp_ip_bytes', 'count'],
  ['tunnel_parents', 'set[string]'],
  ['teardown_ending', 'string'],
  ['teardown_detail', 'string'],
  ['teardown_closer', 'string'],
  ['community_id', 'string'],
];

/** What the row takes from tcp-teardown's own report of the connection its first packet joined. */
interface Teardown {
  ending: string;
  detail: string | null;
  closer: string | null;
  communityId: string;
  tunnel: readonly TunnelRecord[];
}

/** One value per column, in COLUMNS' order: null is Zeek's unset (`-`), a string[] a set. */
type Values = (string | number | boolean | null | string[])[];

/**
 * Reports kept for rows still to come (a stream's later rows, after Zeek split it on its
 * timers). Past this the oldest is forgotten: a row that needed it says `-` in the
 * teardown columns rather than memory growing with the capture.
 */
const MAX_KEPT_REPORTS = 65536;

/**
 * `analyze --format zeek` and `--format zeek-json`: the conn.log Zeek would write for the
 * capture's TCP connections, with the ending tcp-teardown gives each at the end of the
 * row. Zeek's rows follow its own connection life (src/zeek/), which can split a
 * Wireshark stream on Zeek's timers: so this sink sees every segment (`segment`, the
 * pipeline's onSegment) as well as the reports. A row is written once both the row is
 * over and the report of the stream its first packet joined has come; the rows a file
 * leaves open are written at its end. The order is therefore the order rows complete,
 * as in Zeek's own log (it writes a connection when it removes it).
 */
export class ZeekLogSink extends WrittenSink {
  private tracker: ZeekConnTracker | null = null;
  /** Rows over whose stream's report has not come yet, by stream. */
  private readonly waiting = new Map<number, ZeekConnRow[]>();
  /** Reports of streams, kept for rows still to come. */
  private readonly reports = new Map<number, Teardown>();
  private first: number | null = null;
  private last = 0;
  private headerWritten = false;

  constructor(
    private readonly style: ZeekStyle,
    target = process.stdout,
    /** Zeek's default; off (`zeek -C`) unless the decoder checks them too (--checksums). */
    private readonly validateChecksums = false,
  ) {
    super(target);
  }

  /** Every TCP segment, with the stream our tracker gave it, in capture order. */
  readonly segment = (rec: PacketRecord, decoder: PacketDecoder, stream: number): void => {
    // Unless --checksums, as `zeek -C`: checksums unchecked. A capture taken on a sending
    // host carries the checksums its NIC had yet to fill in (offload), which Zeek would
    // drop as bad. With it, the segments our decoder left out come here too (stream -1)
    // and Zeek's rules count them ('C' in the history).
    this.tracker ??= new ZeekConnTracker((row) => this.rowOver(row), { validateChecksums: this.validateChecksums });
    this.tracker.segment(rec, decoder, stream);
  };

  connection(report: ConnectionReport, _file: string): void {
    const teardown: Teardown = { ending: report.ending, detail: report.detail, closer: report.closer, communityId: report.communityId, tunnel: report.tunnel };
    const rows = this.waiting.get(report.stream);
    if (rows !== undefined) {
      this.waiting.delete(report.stream);
      for (const row of rows) this.write(row, teardown);
    }
    if (this.reports.size >= MAX_KEPT_REPORTS) this.reports.delete(this.reports.keys().next().value!);
    this.reports.set(report.stream, teardown);
  }

  /** The file's last rows: Zeek's flush of what is open, then any row whose stream was never reported (not tracked). */
  override async fileEnd(_file: string, _end: FileEnd): Promise<void> {
    this.tracker?.finish();
    this.tracker = null;
    for (const rows of this.waiting.values()) for (const row of rows) this.write(row, null);
    this.waiting.clear();
    this.reports.clear();
    await this.out.flush();
  }

  override async end(): Promise<void> {
    if (this.style === 'zeek') {
      this.header();
      this.out.push(`#close\t${logTime(this.last)}`);
    }
    await this.out.flush();
  }

  private rowOver(row: ZeekConnRow): void {
    const teardown = this.reports.get(row.stream);
    if (teardown !== undefined) return this.write(row, teardown);
    const rows = this.waiting.get(row.stream);
    if (rows === undefined) this.waiting.set(row.stream, [row]);
    else rows.push(row);
  }

  private write(row: ZeekConnRow, teardown: Teardown | null): void {
    this.first ??= row.ts;
    this.last = Math.max(this.last, row.ts + (row.duration ?? 0));
    const values = zeekValues(row, teardown);
    if (this.style === 'zeek-json') return this.out.push(zeekJson(values));
    this.header();
    this.out.push(zeekTsv(values));
  }

  /**
   * Zeek's ASCII header. #open and #close are the times of the first row and of the last
   * packet written, not the wall clock as Zeek's are (a log from a capture then reads
   * the same on every run, which a CI diff needs).
   */
  private header(): void {
    if (this.headerWritten) return;
    this.headerWritten = true;
    this.out.push('#separator \\x09');
    this.out.push('#set_separator\t,');
    this.out.push('#empty_field\t(empty)');
    this.out.push('#unset_field\t-');
    this.out.push('#path\tconn');
    this.out.push(`#open\t${logTime(this.first ?? 0)}`);
    this.out.push(`#fields\t${COLUMNS.map(([name]) => name).join('\t')}`);
    this.out.push(`#types\t${COLUMNS.map(([, type]) => type).join('\t')}`);
  }
}

function zeekValues(row: ZeekConnRow, t: Teardown | null): Values {
  return [
    row.ts,
    zeekUid(`${row.ts.toFixed(6)} ${row.origH} ${row.origP} ${row.respH} ${row.respP} tcp`),
    row.origH,
    row.origP,
    row.respH,
    row.respP,
    'tcp',
    null,
    row.duration,
    row.origBytes,
    row.respBytes,
    row.connState,
    isLocal(row.origH),
    isLocal(row.respH),
    row.missedBytes,
    row.history,
    row.origPkts,
    row.origIpBytes,
    row.respPkts,
    row.respIpBytes,
    row.tunnelled && t !== null ? t.tunnel.map(tunnelUid) : null,
    t?.ending ?? null,
    t?.detail ?? null,
    t?.closer ?? null,
    t?.communityId ?? null,
  ];
}

/** Zeek's ASCII style: tab-separated, `-` unset, `(empty)` an empty string or set, times with six decimals. */
function zeekTsv(values: Values): string {
  return values
    .map((v, i) => {
      if (v === null) return '-';
      if (typeof v === 'boolean') return v ? 'T' : 'F';
      if (Array.isArray(v)) return v.length === 0 ? '(empty)' : v.join(',');
      if (typeof v === 'number') return COLUMNS[i]![1] === 'time' || COLUMNS[i]![1] === 'interval' ? v.toFixed(6) : String(v);
      return v === '' ? '(empty)' : escapeTsv(v);
    })
    .join('\t');
}

/** Zeek's JSON style (LogAscii::use_json): unset fields left out, times as seconds, sets as arrays. */
function zeekJson(values: Values): string {
  const o: Record<string, unknown> = {};
  values.forEach((v, i) => {
    if (v !== null) o[COLUMNS[i]![0]] = v;
  });
  return JSON.stringify(o);
}

/** Zeek escapes the separator and non-printing bytes as \xNN (none of our values should carry them). */
function escapeTsv(v: string): string {
  return v.replace(/[\x00-\x1f\\\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Zeek's #open/#close style: YYYY-MM-DD-HH-MM-SS, in UTC. */
function logTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace(/[T:]/g, '-');
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A uid in Zeek's shape ("C" and base62 of 96 bits) that is the same on every run: the
 * first 96 bits of the SHA-1 of `text`. Zeek's own uids are random per run, so they
 * never match Zeek's; these let two runs, or two tools on one capture, be joined
 * (docs/output.md says what is hashed).
 */
export function zeekUid(text: string): string {
  let n = BigInt(`0x${hash('sha1', text, 'hex').slice(0, 24)}`);
  let out = '';
  while (n > 0n) {
    out = BASE62[Number(n % 62n)]! + out;
    n /= 62n;
  }
  return `C${out}`;
}

/** A tunnel layer's uid, for tunnel_parents: Zeek names the tunnel's own connection, which this log (TCP only) has no row for. */
function tunnelUid(layer: TunnelRecord): string {
  return zeekUid(`${layer.kind} ${layer.id ?? '-'} ${layer.outer.src} ${layer.outer.dst}`);
}

/**
 * Zeek's local_orig/local_resp with no Site::local_nets of the user's: the private
 * address space (Site::private_address_space in base/utils/site.zeek), local by default
 * (Site::private_address_space_is_local).
 */
const PRIVATE = new BlockList();
for (const net of ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '240.0.0.0/4', '255.255.255.255/32']) {
  const [address, prefix] = net.split('/');
  PRIVATE.addSubnet(address!, Number(prefix), 'ipv4');
}
for (const net of ['2002::/24', '2002:a00::/24', '2002:6440::/26', '2002:7f00::/24', '2002:a9fe::/32', '2002:ac10::/28', '2002:c000::/40', '2002:c000:200::/40', '2002:c0a8::/32', '2002:c612::/31', '2002:c633:6400::/40', '2002:cb00:7100::/40', '2002:f000::/20', '2002:ffff:ffff::/48', '::/128', '::1/128', '64:ff9b:1::/48', '100::/64', '2001::/23', '2001:2::/48', '2001:db8::/32', 'fc00::/7', 'fe80::/10']) {
  const [address, prefix] = net.split('/');
  PRIVATE.addSubnet(address!, Number(prefix), 'ipv6');
}

function isLocal(address: string): boolean {
  return PRIVATE.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
}
