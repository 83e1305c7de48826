/**
 * The settings Zeek's TCP connection life depends on, with Zeek's defaults. Every value
 * is a script-level constant in Zeek (redef-able), cited where it is defined; the emulation
 * reads them from here so a test can move one and see the rule it drives.
 *
 * Sources (github zeek/zeek):
 * - scripts/base/init-bare.zeek: tcp_SYN_timeout, tcp_session_timer, tcp_connection_linger,
 *   tcp_attempt_delay, tcp_close_delay, tcp_reset_delay, tcp_inactivity_timeout,
 *   udp_inactivity_timeout, tcp_max_initial_window, tcp_max_above_hole_without_any_acks,
 *   tcp_excessive_data_without_further_acks, report_gaps_for_partial (F),
 *   partial_connection_ok (T), tcp_SYN_ack_ok (T), ignore_checksums (F: `zeek -C` sets T).
 * - scripts/base/protocols/conn/inactivity.zeek: port_inactivity_timeouts.
 * - scripts/base/protocols/{http,ssl,ssh,smtp,ftp,pop3,imap,irc,smb,...}/main.zeek:
 *   `redef likely_server_ports += { ports }` (the TCP ones are listed below).
 */
export interface ZeekParams {
  /** tcp_SYN_timeout: first check of TCPSessionAdapter::ExpireTimer after the connection is made. */
  tcpSynTimeout: number;
  /** tcp_session_timer: ExpireTimer re-checks this long after it last ran, or after a half close. */
  tcpSessionTimer: number;
  /** tcp_connection_linger: ExpireTimer removes only after this long without packets. */
  tcpConnectionLinger: number;
  /** tcp_attempt_delay: TCPSessionAdapter::AttemptTimer, after the originator's SYN. */
  tcpAttemptDelay: number;
  /** tcp_close_delay: ConnDeleteTimer after both sides closed (or one reset). */
  tcpCloseDelay: number;
  /** tcp_reset_delay: ResetTimer after a RST that follows a FIN. */
  tcpResetDelay: number;
  /** tcp_inactivity_timeout: once the handshake is over (TCP_Endpoint::SetState). */
  tcpInactivityTimeout: number;
  /**
   * udp_inactivity_timeout: what TCPAnalyzer::MakeSessionAdapter gives a new TCP
   * connection until the handshake is over (src/packet_analysis/protocol/tcp/TCP.cc).
   */
  initialInactivityTimeout: number;
  /** tcp_max_initial_window (TCP_Reassembler::BlockInserted). */
  tcpMaxInitialWindow: number;
  /** tcp_max_above_hole_without_any_acks (TCP_Reassembler::DataSent). */
  tcpMaxAboveHoleWithoutAnyAcks: number;
  /** tcp_excessive_data_without_further_acks (TCP_Reassembler::DataSent). */
  tcpExcessiveDataWithoutFurtherAcks: number;
  /** report_gaps_for_partial (TCP_Reassembler's report_gap). */
  reportGapsForPartial: boolean;
  /** likely_server_ports, TCP only (IPBasedAnalyzer::IsLikelyServerPort): the role-flip heuristic. */
  likelyServerPorts: ReadonlySet<number>;
  /** Conn::port_inactivity_timeouts (inactivity.zeek, on connection_established). */
  portInactivityTimeouts: ReadonlyMap<number, number>;
  /**
   * Zeek checks IPv4 header and TCP checksums and drops what fails (`zeek -C` does not:
   * false here). TCPAnalyzer::ValidateChecksum, IPAnalyzer::AnalyzePacket.
   */
  validateChecksums: boolean;
}

/**
 * The TCP ports Zeek's base protocol scripts add to likely_server_ports, as loaded by a
 * plain `zeek -r` (base/init-default): http (80, 81, 631, 1080, 3128, 8000, 8080, 8888),
 * ssl (443, 563, 585, 614, 636, 989, 990, 992, 993, 995, 5223), ssh 22, smtp 25 587,
 * ftp 21 2811, pop3 110, imap 143, irc 6666-6669, smb 139 445, dce-rpc 135, dns 53,
 * krb 88, ldap 389 3268, mysql 1434 3306, rdp 3389, socks 1080, xmpp 5222 5269,
 * modbus 502, dnp3 20000, mqtt 1883, postgresql 5432, redis 6379, finger 79.
 * Read from the scripts' `const ports` (http, ssl, ssh, smtp, ftp, pop3, imap, irc and
 * smb checked against the source; the rest as their scripts declared them when read).
 * A bare `zeek -b` run loads only what its script @loads, so its set is smaller: pass
 * likelyServerPorts to match such a run.
 */
export const ZEEK_LIKELY_SERVER_PORTS: ReadonlySet<number> = new Set([
  21, 22, 25, 53, 79, 80, 81, 88, 110, 135, 139, 143, 389, 443, 445, 502, 563, 585, 587, 614, 631, 636, 989, 990, 992, 993, 995, 1080, 1434, 1883, 2811, 3128, 3268,
  3306, 3389, 5222, 5223, 5269, 5432, 6379, 6666, 6667, 6668, 6669, 8000, 8080, 8888, 20000,
]);

/** inactivity.zeek: `port_inactivity_timeouts = { [[21/tcp, 22/tcp, 23/tcp, 513/tcp]] = 1 hrs }`. */
export const ZEEK_PORT_INACTIVITY_TIMEOUTS: ReadonlyMap<number, number> = new Map([
  [21, 3600],
  [22, 3600],
  [23, 3600],
  [513, 3600],
]);

export const ZEEK_DEFAULTS: ZeekParams = {
  tcpSynTimeout: 5,
  tcpSessionTimer: 6,
  tcpConnectionLinger: 5,
  tcpAttemptDelay: 5,
  tcpCloseDelay: 5,
  tcpResetDelay: 5,
  tcpInactivityTimeout: 300,
  initialInactivityTimeout: 60,
  tcpMaxInitialWindow: 16384,
  tcpMaxAboveHoleWithoutAnyAcks: 16384,
  tcpExcessiveDataWithoutFurtherAcks: 10 * 1024 * 1024,
  reportGapsForPartial: false,
  likelyServerPorts: ZEEK_LIKELY_SERVER_PORTS,
  portInactivityTimeouts: ZEEK_PORT_INACTIVITY_TIMEOUTS,
  validateChecksums: true,
};
