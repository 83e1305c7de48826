import type { SideRecord, TrackedConnection } from '../track/report.js';
import type { ZeekConnState } from './types.js';
import { CLOSED, ESTABLISHED, INACTIVE, PARTIAL, RESET, SYN_ACK_SENT, SYN_SENT, zeekTcpConnState } from '../zeek/conn-state.js';

/** Zeek's per-endpoint TCP state (TCP_Endpoint.h), derived from what each side sent. */
function endpointState(side: SideRecord, originator: boolean, established: boolean): number {
  if (side.rsts > 0) return RESET;
  if (side.fins > 0) return CLOSED;
  if (side.packets === 0) return INACTIVE;
  const pureSyns = side.syns - side.synAcks;
  if (originator && pureSyns > 0) return established ? ESTABLISHED : SYN_SENT;
  // An originator's SYN-ACK too (Zeek: weird "connection_originator_SYN_ack").
  if (side.synAcks > 0) return established ? ESTABLISHED : SYN_ACK_SENT;
  return established ? ESTABLISHED : PARTIAL;
}

/**
 * Zeek's conn_state, as `Conn::conn_state` in scripts/base/protocols/conn/main.zeek
 * computes it from the two endpoint states (the client is the originator):
 * S0 attempt with no reply; S1 established, not closed; SF closed by both (FIN or RST
 * handled above it); REJ rejected; S2/S3 only the originator/responder closed; RSTO/RSTR
 * originator/responder reset; RSTOS0 SYN then RST from the originator, no SYN-ACK;
 * RSTRH SYN-ACK then RST from the responder, no SYN; SH/SHR SYN (SYN-ACK) then FIN with
 * no answer; OTH midstream traffic. Ambiguity: Zeek's own endpoint machine is not
 * reproduced packet for packet; "established" here means both sides reached
 * ESTABLISHED in our timelines (or the capture began mid-stream), where Zeek takes a
 * responder's SYN-ACK as establishing both.
 */
export function zeekConnState(c: TrackedConnection): ZeekConnState {
  // A side that sent nothing is INACTIVE whatever `established` says (a capture begun mid-stream).
  const os = endpointState(c.sides.client, true, c.established);
  const rs = endpointState(c.sides.server, false, c.established);
  // Payload bytes stand for Zeek's sequence-number sizes (TCP_Endpoint::Size).
  return zeekTcpConnState(os, rs, c.bytes.client, c.bytes.server, c.history);
}
