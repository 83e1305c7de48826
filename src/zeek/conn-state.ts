import { CLOSED, ESTABLISHED, INACTIVE, PARTIAL, RESET, SYN_ACK_SENT, SYN_SENT } from './endpoint.js';

// conn_state's RSTOS0 test, `/\^?S[^HAFGIQ]*R.*/ == c$history`: a Zeek pattern compared
// with == must match the whole string.
const RSTOS0_HISTORY = /^\^?S[^HAFGIQ]*R.*$/s;

/**
 * Zeek's conn_state for TCP, as scripts/base/protocols/conn/main.zeek's conn_state()
 * computes it from the endpoint states (c$orig$state, c$resp$state), the sizes
 * (c$orig$size, c$resp$size: TCP_Endpoint::Size) and the history.
 */
export function zeekTcpConnState(os: number, rs: number, origSize: number, respSize: number, history: string): string {
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
