import type { ZeekConnState } from '../diagnosis/types.js';

/**
 * Zeek's per-side TCP state (src/analyzer/protocol/tcp/TCP_Endpoint.h, EndpointState),
 * numbered as init-bare.zeek's TCP_INACTIVE .. TCP_RESET.
 */
export const INACTIVE = 0;
export const SYN_SENT = 1;
export const SYN_ACK_SENT = 2;
export const PARTIAL = 3;
export const ESTABLISHED = 4;
export const CLOSED = 5;
export const RESET = 6;

// conn_state's RSTOS0 test, `/\^?S[^HAFGIQ]*R.*/ == c$history`: a Zeek pattern compared
// with == must match the whole string.
const RSTOS0_HISTORY = /^\^?S[^HAFGIQ]*R.*$/s;

/**
 * Zeek's conn_state for TCP, as scripts/base/protocols/conn/main.zeek's conn_state()
 * computes it from the endpoint states (c$orig$state, c$resp$state), the sizes
 * (c$orig$size, c$resp$size: TCP_Endpoint::Size) and the history.
 */
export function zeekTcpConnState(os: number, rs: number, origSize: number, respSize: number, history: string): ZeekConnState {
  const oInactive = os === INACTIVE || os === PARTIAL;
  const rInactive = rs === INACTIVE || rs === PARTIAL;
  if (rs === RESET) {
    if (os === SYN_SENT || os === SYN_ACK_SENT || (os === RESET && origSize === 0 && respSize === 0)) return 'REJ';
    return oInactive ? 'RSTRH' : 'RSTR';
  }
  if (os === RESET) {
    if (rInactive) return RSTOS0_HISTORY.test(history) ? 'RSTOS0' : 'OTH';
    return 'RSTO';
  }
  if (rs === CLOSED && os === CLOSED) return 'SF';
  if (os === CLOSED) return rInactive ? 'SH' : 'S2';
  if (rs === CLOSED) return oInactive ? 'SHR' : 'S3';
  if (os === SYN_SENT && rs === INACTIVE) return 'S0';
  if (os === ESTABLISHED && rs === ESTABLISHED) return 'S1';
  return 'OTH';
}
