import { describe, expect, it } from 'vitest';
import { zeekConnState } from '../../src/diagnosis/zeek.js';
import type { SideRecord, TrackedConnection } from '../../src/track/report.js';

/**
 * Zeek's conn_state (scripts/base/protocols/conn/main.zeek, `conn_state`), one case per
 * branch, from what each side sent: Zeek's endpoint states are INACTIVE (sent nothing),
 * PARTIAL (sent, but no SYN or SYN-ACK of its role), SYN_SENT / SYN_ACK_SENT,
 * ESTABLISHED, CLOSED (sent FIN) and RESET (sent RST), RESET taking precedence.
 */
interface Sent {
  packets?: number;
  syns?: number;
  synAcks?: number;
  fins?: number;
  rsts?: number;
  bytes?: number;
}

function conn(client: Sent, server: Sent, o: { established?: boolean; midstream?: boolean; history?: string } = {}): TrackedConnection {
  const side = (s: Sent) => ({ packets: s.packets ?? 1, syns: s.syns ?? 0, synAcks: s.synAcks ?? 0, fins: s.fins ?? 0, rsts: s.rsts ?? 0 }) as SideRecord;
  return {
    sides: { client: side(client), server: side(server) },
    packets: { client: client.packets ?? 1, server: server.packets ?? 1 },
    bytes: { client: client.bytes ?? 0, server: server.bytes ?? 0 },
    established: o.established ?? false,
    flags: o.midstream ? ['midstream'] : [],
    history: o.history ?? '',
  } as unknown as TrackedConnection;
}

const SYN = { syns: 1 };
const SYN_ACK = { syns: 1, synAcks: 1 };
const NOTHING = { packets: 0 };
const OPEN = { established: true };

describe('Zeek conn_state', () => {
  it('S0: a SYN with no reply at all', () => {
    expect(zeekConnState(conn(SYN, NOTHING))).toBe('S0');
    // An originator's SYN-ACK with no reply is no S0 (SYN_ACK_SENT, not SYN_SENT).
    expect(zeekConnState(conn(SYN_ACK, NOTHING))).toBe('OTH');
    // The responder sent something, if not a SYN-ACK: a reply (PARTIAL), so not S0.
    expect(zeekConnState(conn(SYN, {}))).toBe('OTH');
    expect(zeekConnState(conn(SYN, SYN_ACK))).toBe('OTH');
  });

  it('S1: established, neither side closed', () => {
    expect(zeekConnState(conn(SYN, SYN_ACK, OPEN))).toBe('S1');
    // Only when both reached ESTABLISHED: a handshake half seen is OTH.
    expect(zeekConnState(conn({}, SYN_ACK, OPEN))).toBe('S1');
    expect(zeekConnState(conn(SYN, NOTHING, OPEN))).toBe('OTH');
  });

  it('mid-stream: established only when both sides talked', () => {
    expect(zeekConnState(conn({}, {}, { established: true, midstream: true }))).toBe('S1');
    expect(zeekConnState(conn({}, NOTHING, { established: true, midstream: true }))).toBe('OTH');
  });

  it('SF, S2, S3, SH, SHR: who sent a FIN, and whether the other side was active', () => {
    expect(zeekConnState(conn({ ...SYN, fins: 1 }, { ...SYN_ACK, fins: 1 }, OPEN))).toBe('SF');
    expect(zeekConnState(conn({ ...SYN, fins: 1 }, SYN_ACK, OPEN))).toBe('S2');
    expect(zeekConnState(conn(SYN, { ...SYN_ACK, fins: 1 }, OPEN))).toBe('S3');
    expect(zeekConnState(conn({ ...SYN, fins: 1 }, NOTHING))).toBe('SH');
    expect(zeekConnState(conn({ ...SYN, fins: 1 }, {}))).toBe('SH');
    expect(zeekConnState(conn(NOTHING, { ...SYN_ACK, fins: 1 }))).toBe('SHR');
    expect(zeekConnState(conn({}, { ...SYN_ACK, fins: 1 }))).toBe('SHR');
  });

  it('REJ: the responder reset an attempt, or both reset with no data either way', () => {
    expect(zeekConnState(conn(SYN, { rsts: 1 }))).toBe('REJ');
    // An originator that sent a SYN-ACK is in SYN_ACK_SENT (Zeek: connection_originator_SYN_ack).
    expect(zeekConnState(conn(SYN_ACK, { rsts: 1 }))).toBe('REJ');
    expect(zeekConnState(conn({ ...SYN, rsts: 1 }, { rsts: 1 }))).toBe('REJ');
    expect(zeekConnState(conn({ ...SYN, rsts: 1, bytes: 5 }, { rsts: 1 }, OPEN))).toBe('RSTR');
    expect(zeekConnState(conn({ ...SYN, rsts: 1 }, { rsts: 1, bytes: 5 }, OPEN))).toBe('RSTR');
  });

  it('RSTR and RSTRH: the responder reset, after the originator was seen opening or not', () => {
    expect(zeekConnState(conn(SYN, { ...SYN_ACK, rsts: 1 }, OPEN))).toBe('RSTR');
    expect(zeekConnState(conn({ ...SYN, fins: 1 }, { ...SYN_ACK, rsts: 1 }, OPEN))).toBe('RSTR');
    expect(zeekConnState(conn(NOTHING, { ...SYN_ACK, rsts: 1 }))).toBe('RSTRH');
    expect(zeekConnState(conn({}, { ...SYN_ACK, rsts: 1 }))).toBe('RSTRH');
  });

  it('RSTO, RSTOS0: the originator reset, after the responder answered or not', () => {
    expect(zeekConnState(conn({ ...SYN, rsts: 1 }, SYN_ACK, OPEN))).toBe('RSTO');
    expect(zeekConnState(conn({ ...SYN, rsts: 1 }, SYN_ACK))).toBe('RSTO');
    expect(zeekConnState(conn({ ...SYN, rsts: 1 }, { ...SYN_ACK, fins: 1 }, OPEN))).toBe('RSTO');
    expect(zeekConnState(conn({ ...SYN, rsts: 1 }, NOTHING, { history: 'SR' }))).toBe('RSTOS0');
    expect(zeekConnState(conn({ ...SYN, rsts: 1 }, NOTHING, { history: '^SR' }))).toBe('RSTOS0');
    // Zeek's pattern lets the originator's data come between, not a handshake ACK or a FIN.
    expect(zeekConnState(conn({ ...SYN, rsts: 1 }, NOTHING, { history: 'SDR' }))).toBe('RSTOS0');
    expect(zeekConnState(conn({ ...SYN, rsts: 1 }, NOTHING, { history: 'SFR' }))).toBe('OTH');
    expect(zeekConnState(conn({ ...SYN, rsts: 1 }, NOTHING, { history: 'SAR' }))).toBe('OTH');
    expect(zeekConnState(conn({ rsts: 1 }, NOTHING, { history: 'R' }))).toBe('OTH');
    expect(zeekConnState(conn({ ...SYN, rsts: 1 }, NOTHING, { history: 'DSR' }))).toBe('OTH'); // the SYN must come first
    expect(zeekConnState(conn({ ...SYN, rsts: 1 }, {}, { history: 'SaR' }))).toBe('RSTOS0');
  });
});
