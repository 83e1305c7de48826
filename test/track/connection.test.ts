import { describe, expect, it } from 'vitest';
import { IcmpError } from '../../src/decode/icmp.js';
import { TCP_ACK, TCP_RST } from '../../src/decode/tcp.js';
import { ACK, CLIENT, established, FIN, header, SERVER, SYN, synSent, Wire } from '../helpers/wire.js';

/**
 * The connection's reading of single segments: RSTs (RFC 9293 3.10.7 with RFC 5961 3.2,
 * forged ones by TTL and by reason text) and ICMP errors (RFC 1122 4.2.3.9), one rule
 * and its bounds per test.
 */

/** An RST from `side` with `seq`, its IP TTL `ttl` and payload `text`, as the tracker passes them. */
function rst(w: Wire, side: number, seq: number, options: { ttl?: number; text?: string | Buffer; ack?: boolean; version?: 4 | 6 } = {}): void {
  const t = header({ seq, ack: w.next[1 - side]!, flags: TCP_RST | (options.ack === false ? 0 : TCP_ACK) });
  const data = typeof options.text === 'string' ? Buffer.from(options.text, 'latin1') : (options.text ?? Buffer.alloc(0));
  t.payloadOffset = 0;
  t.payloadLength = data.length;
  t.capturedPayload = data.length;
  w.frame++;
  w.time += 0.01;
  w.conn.segment(side as 0 | 1, t, { frame: w.frame, time: w.time }, { version: options.version ?? 4, ttl: options.ttl ?? 64 }, data);
}

/** `established()` with each side's packets seen at TTL 64 (the tracker passes every segment's IP header). */
function withTtl(version: 4 | 6 = 4): Wire {
  const w = established();
  for (const side of [CLIENT, SERVER]) {
    const t = header({ seq: w.next[side]!, ack: w.next[1 - side]!, flags: ACK });
    w.frame++;
    w.time += 0.01;
    w.conn.segment(side as 0 | 1, t, { frame: w.frame, time: w.time }, { version, ttl: 64 });
  }
  return w;
}

describe('an RST', () => {
  it('resets only at the exact next sequence number; elsewhere in the window it is challenged, outside ignored', () => {
    const exact = established();
    rst(exact, SERVER, exact.next[SERVER]!);
    expect(exact.conn.endingRst?.frame).toBe(exact.frame);
    const inWindow = established();
    rst(inWindow, SERVER, inWindow.next[SERVER]! + 1);
    expect([inWindow.conn.endingRst, inWindow.conn.flags.has('rst-challenged'), inWindow.conn.flags.has('rst-ignored')]).toEqual([null, true, false]);
    const edge = established();
    const window = edge.conn.dirs[CLIENT].windowBytes;
    rst(edge, SERVER, edge.next[SERVER]! + window - 1);
    expect(edge.conn.flags.has('rst-challenged')).toBe(true);
    const outside = established();
    rst(outside, SERVER, outside.next[SERVER]! + window);
    expect([outside.conn.flags.has('rst-challenged'), outside.conn.flags.has('rst-ignored')]).toEqual([false, true]);
    const behind = established();
    rst(behind, SERVER, behind.next[SERVER]! - 1);
    expect(behind.conn.flags.has('rst-ignored')).toBe(true);
  });

  it('in SYN-SENT resets only with an ACK of the SYN (RFC 9293 3.10.7.3)', () => {
    const bare = synSent();
    rst(bare, SERVER, 0, { ack: false });
    expect([bare.conn.endingRst, bare.conn.flags.has('rst-ignored')]).toEqual([null, true]);
    const wrongAck = synSent();
    const t = header({ seq: 0, ack: 102, flags: TCP_RST | TCP_ACK });
    wrongAck.conn.segment(SERVER, t, { frame: 2, time: wrongAck.time + 0.01 });
    expect(wrongAck.conn.endingRst).toBeNull();
    const right = synSent();
    right.conn.segment(SERVER, header({ seq: 0, ack: 101, flags: TCP_RST | TCP_ACK }), { frame: 2, time: right.time + 0.01 });
    expect(right.conn.endingRst).toMatchObject({ side: SERVER, withAck: true, senderSilence: null });
  });

  it('with another TTL (hop limit) than its sender’s other packets was forged on the path', () => {
    const forged = withTtl();
    rst(forged, SERVER, forged.next[SERVER]!, { ttl: 250 });
    expect(forged.conn.endingRst?.injected).toBe('its TTL was 250 where the host\'s own packets had 64');
    const v6 = withTtl(6);
    rst(v6, SERVER, v6.next[SERVER]!, { ttl: 63, version: 6 });
    expect(v6.conn.endingRst?.injected).toBe('its hop limit was 63 where the host\'s own packets had 64');
    const own = withTtl();
    rst(own, SERVER, own.next[SERVER]!, { ttl: 64 });
    expect(own.conn.endingRst?.injected).toBeNull();
  });

  it('names a device in its payload: forged, whatever its TTL; other printable text is kept, binary is not', () => {
    const f5 = withTtl();
    rst(f5, SERVER, f5.next[SERVER]!, { text: 'BIG-IP: [0x2d5c:66] No server available' });
    expect(f5.conn.endingRst).toMatchObject({ injected: 'its payload names the device: "BIG-IP: [0x2d5c:66] No server available"', text: 'BIG-IP: [0x2d5c:66] No server available' });
    const reason = withTtl();
    rst(reason, SERVER, reason.next[SERVER]!, { text: 'idle timeout\0padding' });
    expect(reason.conn.endingRst).toMatchObject({ injected: null, text: 'idle timeout' });
    for (const [text, expected] of [['abc', null], ['abcd', 'abcd'], [Buffer.from([0x61, 0x62, 0x07, 0x63, 0x64]), null], ['\0abcd', null], ['ab~\x7f', null]] as const) {
      const w = withTtl();
      rst(w, SERVER, w.next[SERVER]!, { text });
      expect(w.conn.endingRst?.text, JSON.stringify(text.toString())).toBe(expected);
    }
  });

  it('records what its sender and receiver had done: silences, FINs, states', () => {
    const w = established();
    w.say(CLIENT, 0, 50);
    const before = w.time;
    rst(w, SERVER, w.next[SERVER]!);
    expect(w.conn.endingRst).toMatchObject({
      side: SERVER, withAck: true, senderHadClosed: false, answersFin: false, sinceSenderFin: null,
      senderState: 'ESTABLISHED', receiverState: 'ESTABLISHED', afterUnansweredKeepalives: false, text: null,
    });
    expect(w.conn.endingRst!.peerSilence).toBeCloseTo(w.time - before, 6);
  });
});

describe('an ICMP error', () => {
  const error = (version: 4 | 6, type: number, code: number): IcmpError => {
    const e = new IcmpError();
    e.version = version;
    e.type = type;
    e.code = code;
    return e;
  };

  it('aborts a connection attempt at once when hard: IPv4 protocol, port unreachable and fragmentation needed; IPv6 port unreachable', () => {
    for (const [version, code, hard] of [[4, 2, true], [4, 3, true], [4, 4, true], [4, 1, false], [4, 0, false], [4, 13, false], [6, 4, true], [6, 3, false], [6, 1, false]] as const) {
      const w = synSent();
      w.conn.icmpError(CLIENT, error(version, version === 4 ? 3 : 1, code), { frame: 2, time: w.time + 0.01 });
      expect(w.state(CLIENT) === 'CLOSED', `v${version} code ${code}`).toBe(hard);
    }
  });

  it('aborts on a repeat of the same soft error for the same side (Linux: the second host unreachable)', () => {
    const w = synSent();
    w.conn.icmpError(SERVER, error(4, 3, 1), { frame: 2, time: w.time + 0.01 });
    w.conn.icmpError(CLIENT, error(4, 11, 0), { frame: 3, time: w.time + 0.02 });
    expect(w.state(CLIENT)).toBe('SYN-SENT');
    w.conn.icmpError(CLIENT, error(4, 3, 1), { frame: 4, time: w.time + 1 });
    expect(w.state(CLIENT)).toBe('SYN-SENT');
    w.conn.icmpError(CLIENT, error(4, 3, 1), { frame: 5, time: w.time + 2 });
    expect(w.state(CLIENT)).toBe('CLOSED');
  });

  it('is kept for the report up to 32 per connection, each flagged icmp', () => {
    const w = established();
    for (let i = 0; i < 40; i++) w.conn.icmpError(CLIENT, error(4, 11, 0), { frame: 100 + i, time: w.time + i });
    expect([w.conn.icmp.length, w.conn.icmp[31]!.frame, w.conn.flags.has('icmp')]).toEqual([32, 131, true]);
  });
});

describe('what an RST payload counts as text', () => {
  it('takes printable ASCII up to the tilde, and at least 4 characters before a NUL', () => {
    for (const [text, expected] of [['ab~c', 'ab~c'], ['abc\0xyz', null], ['abcd\0xyz', 'abcd']] as const) {
      const w = withTtl();
      rst(w, SERVER, w.next[SERVER]!, { text });
      expect(w.conn.endingRst?.text, JSON.stringify(text)).toBe(expected);
    }
  });
});

describe('an RST from the side that closed first', () => {
  it('says whether the peer wrote after that close', () => {
    const quiet = established();
    quiet.say(CLIENT, FIN);
    quiet.say(SERVER, 0);
    rst(quiet, CLIENT, quiet.next[CLIENT]!);
    expect(quiet.conn.endingRst).toMatchObject({ senderHadClosed: true, peerWroteAfterClose: false });
    const wrote = established();
    wrote.say(CLIENT, FIN);
    wrote.say(SERVER, 0, 200);
    rst(wrote, CLIENT, wrote.next[CLIENT]!);
    expect(wrote.conn.endingRst).toMatchObject({ senderHadClosed: true, peerWroteAfterClose: true });
  });
});

describe('a capture of one direction only', () => {
  /** Only the client's packets: SYN, the ACK of a SYN-ACK the tap missed, a request, its FIN. */
  const clientOnly = (): Wire => {
    const w = new Wire({ seq: 100, flags: SYN });
    w.send(CLIENT, { seq: 101, ack: 5001, flags: ACK });
    w.send(CLIENT, { seq: 101, ack: 5001, flags: ACK, len: 50 });
    w.send(CLIENT, { seq: 151, ack: 5001, flags: FIN | ACK });
    return w;
  };

  it('infers the peer’s FIN from a bare ACK one past the last after the own FIN', () => {
    const w = clientOnly();
    w.send(CLIENT, { seq: 152, ack: 5002, flags: ACK });
    expect([w.conn.dirs[SERVER].finInferred, w.state(CLIENT)]).toEqual([true, 'TIME-WAIT']);
  });

  it('not from an ACK of data (more than one past), one carrying data, or one before the own FIN', () => {
    const data = clientOnly();
    data.send(CLIENT, { seq: 152, ack: 5003, flags: ACK });
    const carrying = clientOnly();
    carrying.send(CLIENT, { seq: 152, ack: 5002, flags: ACK, len: 10 });
    const early = new Wire({ seq: 100, flags: SYN });
    early.send(CLIENT, { seq: 101, ack: 5001, flags: ACK });
    early.send(CLIENT, { seq: 101, ack: 5002, flags: ACK });
    for (const w of [data, carrying, early]) expect(w.conn.dirs[SERVER].finInferred).toBe(false);
  });
});
