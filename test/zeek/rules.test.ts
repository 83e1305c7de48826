import { describe, expect, it } from 'vitest';
import { zeekAddress } from '../../src/zeek/address.js';
import { zeekTcpConnState } from '../../src/zeek/conn-state.js';
import { CLOSED, ESTABLISHED, INACTIVE, PARTIAL, RESET, SYN_ACK_SENT, SYN_SENT } from '../../src/zeek/endpoint.js';
import { ACK, FIN, Net, RST, SYN, Talk, sec } from './fake.js';

const PSH = 0x08;

/** The rows' 4-tuple, history and state, compactly. */
const brief = (net: Net): string[] => net.finish().map((r) => `${r.origH}:${r.origP}>${r.respH}:${r.respP} ${r.history} ${r.connState}`);

describe('history letters (TCPSessionAdapter.cc update_history, TCP_Endpoint::CheckHistory)', () => {
  it('writes each direction in its case, D and A once, and the handshake and close in order', () => {
    const net = new Net();
    new Talk(net).handshake().client(10, ACK | PSH, 100).server(11, ACK).server(12, ACK | PSH, 50).client(13, ACK | PSH, 10).client(14, FIN | ACK).server(15, FIN | ACK).client(16, ACK);
    expect(brief(net)).toEqual(['10.0.0.1:40000>10.0.0.2:50000 ShADadFf SF']);
  });

  it('adds F again only for a FIN at another sequence number; R likewise', () => {
    const net = new Net();
    const t = new Talk(net).handshake();
    t.client(10, FIN | ACK).client(11, FIN | ACK, 0, { seq: t.cseq - 1 }); // retransmitted FIN: same place
    t.client(12, FIN | ACK, 0, { seq: t.cseq + 5 }); // a FIN somewhere else
    t.client(13, RST).client(14, RST, 0, { seq: t.cseq }).client(15, RST, 0, { seq: t.cseq + 9 });
    expect(net.finish()[0]!.history).toBe('ShAFFRR');
  });

  it('marks multi-flag packets once per direction: Q for SYN with FIN or RST, I for FIN with RST', () => {
    // (A SYN without ACK at another sequence number would start a new connection, IsReuse:
    // the SYNs here carry ACK.)
    const net = new Net();
    new Talk(net).client(0, ACK).server(1, SYN | FIN | ACK).server(2, FIN | RST).server(3, SYN | RST | ACK).client(4, FIN | RST).client(5, FIN | RST | ACK);
    expect(net.finish().map((r) => r.history)).toEqual(['AqiI']);
  });

  it('adds h again for a SYN-ACK at another sequence number once its sender closed, not for a repeat', () => {
    // (Before, each SYN re-initializes the side's sequence numbers: it is at 0 again.)
    const net = new Net();
    const t = new Talk(net).handshake().server(10, FIN | ACK);
    t.server(11, SYN | ACK, 0, { seq: t.sseq + 1000 }).server(12, SYN | ACK, 0, { seq: t.sseq + 1000 });
    expect(net.finish().map((r) => r.history)).toEqual(['ShAfh']);
  });

  it('counts retransmissions logarithmically: t at the 1st, again at the 10th, not at the 9th', () => {
    const run = (rxmits: number): string => {
      const net = new Net();
      const t = new Talk(net).handshake().client(10, ACK, 100);
      for (let i = 0; i < rxmits; i++) t.client(20 + i, ACK, 100, { seq: t.cseq - 100 });
      return net.finish()[0]!.history;
    };
    expect(run(1)).toBe('ShADT');
    expect(run(9)).toBe('ShADT');
    expect(run(10)).toBe('ShADTT');
    expect(run(99)).toBe('ShADTT');
    expect(run(100)).toBe('ShADTTT');
  });

  it('counts zero windows the same way, but not in a RST nor once the peer sent its FIN', () => {
    const net = new Net();
    const t = new Talk(net).handshake().server(10, ACK, 0, { window: 0 });
    for (let i = 0; i < 9; i++) t.server(20 + i, ACK, 0, { window: 0 });
    t.client(40, RST, 0, { window: 0 });
    expect(net.finish()[0]!.history).toBe('ShAawwR'); // the first zero-window ACK is also the server's first pure ACK
    const closed = new Net();
    new Talk(closed).handshake().client(10, FIN | ACK).server(11, ACK, 0, { window: 0 });
    expect(closed.finish()[0]!.history).toBe('ShAFa');
  });

  it('reports a content gap (g/G, missed_bytes) when an ACK covers bytes never seen', () => {
    const net = new Net();
    const t = new Talk(net).handshake().client(10, ACK, 100);
    t.cseq += 100; // 100 bytes lost
    t.client(11, ACK, 100).server(12, ACK);
    const [row] = net.finish();
    expect([row!.history, row!.missedBytes, row!.origBytes]).toEqual(['ShADaG', 100, 300]);
  });

  it('reports no gap before the connection is established (is_clean)', () => {
    const net = new Net();
    const t = new Talk(net).client(0, ACK, 100); // partial: no SYN seen
    t.cseq += 100;
    t.client(1, ACK, 100).server(2, ACK);
    const [row] = net.finish();
    expect([row!.history, row!.missedBytes]).toEqual(['Da', 0]);
  });

  it('takes a payload cut by the snapshot length as not delivered: its ACK reveals a gap', () => {
    const net = new Net();
    new Talk(net).handshake().client(10, ACK, 100, { captured: 40 }).server(11, ACK);
    const [row] = net.finish();
    expect([row!.history, row!.missedBytes, row!.origBytes]).toEqual(['ShADaG', 100, 100]);
  });
});

describe('sizes and counts', () => {
  it('takes bytes from sequence numbers (retransmissions count once), packets and IP bytes from every packet', () => {
    const net = new Net();
    const t = new Talk(net).handshake().client(10, ACK, 100);
    t.client(11, ACK, 100, { seq: t.cseq - 100 }).server(12, ACK | PSH, 30);
    const [row] = net.finish();
    expect([row!.origBytes, row!.respBytes, row!.origPkts, row!.origIpBytes, row!.respPkts, row!.respIpBytes]).toEqual([100, 30, 4, 40 + 40 + 140 + 140, 2, 40 + 70]);
  });

  it('counts IP bytes from the IP length field, options included', () => {
    const net = new Net();
    net.send({ us: 0, seq: 1, flags: SYN, ipOptions: 8 });
    expect(net.finish()[0]!.origIpBytes).toBe(48);
  });

  it('counts IPv6 bytes as payload length + 40', () => {
    const net = new Net();
    net.send({ us: 0, seq: 1, flags: SYN, v6: true }).send({ us: 1, seq: 2, ack: 1, flags: ACK, len: 10, v6: true });
    const [row] = net.finish();
    expect([row!.version, row!.origIpBytes, row!.origH]).toEqual([6, 60 + 70, 'fd00:7d::c:2']);
  });

  it('leaves duration and byte counts unset when the connection lasted no time', () => {
    const net = new Net();
    net.send({ us: 0, seq: 1, flags: SYN });
    const [row] = net.finish();
    expect([row!.duration, row!.origBytes, row!.respBytes, row!.origPkts]).toEqual([null, null, null, 1]);
  });

  it('measures duration to the last packet before both sides closed', () => {
    const net = new Net();
    new Talk(net).handshake().client(10, FIN | ACK).server(20, FIN | ACK).client(1000, ACK);
    expect(net.finish()[0]!.duration!.toFixed(6)).toBe('0.000020');
  });
});

describe("Zeek's timers (packet time)", () => {
  it('attempt: an unanswered SYN ends tcp_attempt_delay (5 s) after it', () => {
    const late = new Net();
    new Talk(late).client(0, SYN).client(sec(5), ACK);
    expect(brief(late)).toEqual(['10.0.0.1:40000>10.0.0.2:50000 S S0', '10.0.0.1:40000>10.0.0.2:50000 A OTH']);
    const early = new Net();
    new Talk(early).client(0, SYN).client(sec(5) - 1, ACK);
    expect(brief(early)).toEqual(['10.0.0.1:40000>10.0.0.2:50000 SA S0']);
  });

  it('takes packet times in whole microseconds, as libpcap hands them to Zeek', () => {
    // A SYN 900 ns after the second is at the second for Zeek: its attempt timer is due at
    // +5 s exactly.
    const net = new Net();
    net.send({ us: 0, ns: 900, seq: 1, flags: SYN }).send({ us: sec(5), seq: 2, ack: 1, flags: ACK });
    expect(net.finish().map((r) => r.history)).toEqual(['S', 'A']);
  });

  it('inactivity: tcp_inactivity_timeout (300 s) after the last packet, once past the handshake', () => {
    const run = (gap: number): number => {
      const net = new Net();
      new Talk(net).handshake().client(sec(100), ACK, 10).client(sec(100) + gap, ACK, 10);
      return net.finish().length;
    };
    expect(run(sec(300) - 1)).toBe(1);
    expect(run(sec(300))).toBe(2);
  });

  it('inactivity: an hour for connections established to port 22 (inactivity.zeek)', () => {
    const net = new Net();
    new Talk(net, { dport: 22 }).handshake().client(sec(1000), ACK, 10).client(sec(3000), ACK, 10);
    expect(net.finish().length).toBe(1);
  });

  it('close: tcp_close_delay (5 s) after both FINs, from the last packet before they closed', () => {
    const run = (after: number): string[] => {
      const net = new Net();
      new Talk(net).handshake().client(10, FIN | ACK).server(20, FIN | ACK).client(20 + after, ACK);
      return brief(net);
    };
    expect(run(sec(5) - 1)).toEqual(['10.0.0.1:40000>10.0.0.2:50000 ShAFf SF']);
    expect(run(sec(5))).toEqual(['10.0.0.1:40000>10.0.0.2:50000 ShAFf SF', '10.0.0.1:40000>10.0.0.2:50000 A OTH']);
  });

  it('reset: the same close delay after a RST', () => {
    const run = (after: number): number => {
      const net = new Net();
      new Talk(net).handshake().server(10, RST).client(10 + after, ACK, 5);
      return net.finish().length;
    };
    expect(run(sec(5) - 1)).toBe(1);
    expect(run(sec(5))).toBe(2);
  });

  it('reset after FIN: tcp_reset_delay (5 s) after the RST, even with no connection_reset handler', () => {
    const run = (after: number): string[] => {
      const net = new Net();
      new Talk(net).handshake().client(10, FIN | ACK).client(sec(1), RST).server(sec(1) + after, ACK, 5);
      return brief(net);
    };
    expect(run(sec(5) - 1)).toEqual(['10.0.0.1:40000>10.0.0.2:50000 ShAFRd RSTO']);
    expect(run(sec(5))).toEqual(['10.0.0.1:40000>10.0.0.2:50000 ShAFR RSTO', '10.0.0.2:50000>10.0.0.1:40000 D OTH']);
  });

  it('expire: a connection whose packets were all dropped goes at the first ExpireTimer past linger (5 + 6 s)', () => {
    const net = new Net({ validateChecksums: true });
    net.send({ us: 0, seq: 1, flags: SYN, badTcpChecksum: true });
    // Other connections' packets move time, as every packet does in Zeek: the first check at
    // 5 s finds the connection quiet for exactly 5 s (not more: linger), the next is at 11 s.
    net.send({ us: sec(5), sport: 1, dport: 2, seq: 1, flags: ACK, len: 1 });
    net.send({ us: sec(11) - 1, sport: 1, dport: 2, seq: 2, flags: ACK, len: 1 });
    expect(net.rows.length).toBe(0);
    net.send({ us: sec(11), sport: 1, dport: 2, seq: 3, flags: ACK, len: 1 });
    expect(net.rows.map((r) => [r.history, r.connState, r.origPkts])).toEqual([['C', 'OTH', 0]]);
  });

  it('at the end, runs the attempt timers first, then drains the rest in key order', () => {
    const net = new Net();
    net.send({ us: 0, src: '10.0.0.9', sport: 1, dst: '10.0.0.8', dport: 2, seq: 1, flags: ACK, len: 1 }); // open, key 10.0.0.8 first
    net.send({ us: 1, src: '10.0.0.7', sport: 9, dst: '10.0.0.5', dport: 9, seq: 1, flags: SYN }); // attempt: goes first
    net.send({ us: 2, src: '10.0.0.3', sport: 7, dst: '10.0.0.4', dport: 7, seq: 1, flags: ACK, len: 1 }); // open, key 10.0.0.3 first
    expect(net.finish().map((r) => `${r.origH} ${r.removedBy}`)).toEqual(['10.0.0.7 end-expire', '10.0.0.3 end-drain', '10.0.0.9 end-drain']);
  });
});

describe('connection identity (IPBasedAnalyzer, TCPSessionAdapter::IsReuse)', () => {
  it('flips a first packet that comes from a likely server port (^)', () => {
    const net = new Net();
    net.send({ us: 0, src: '10.0.0.2', sport: 80, dst: '10.0.0.1', dport: 40000, seq: 1, ack: 2, flags: SYN | ACK });
    net.send({ us: 1, src: '10.0.0.2', sport: 443, dst: '10.0.0.1', dport: 40001, seq: 1, ack: 2, flags: ACK, len: 5 });
    expect(brief(net)).toEqual(['10.0.0.1:40000>10.0.0.2:80 ^h OTH', '10.0.0.1:40001>10.0.0.2:443 ^d OTH']);
  });

  it('between two likely server ports, flips only a non-SYN packet toward the higher port', () => {
    const net = new Net();
    net.send({ us: 0, src: '10.0.0.2', sport: 80, dst: '10.0.0.1', dport: 443, seq: 1, ack: 2, flags: ACK, len: 5 });
    net.send({ us: 1, src: '10.0.0.2', sport: 443, dst: '10.0.0.1', dport: 993, seq: 1, ack: 2, flags: SYN | ACK });
    // (The SYN-ACK's connection goes first: its attempt timer runs at the end.)
    expect(brief(net)).toEqual(['10.0.0.2:443>10.0.0.1:993 H OTH', '10.0.0.1:443>10.0.0.2:80 ^d OTH']);
  });

  it('does not flip a pure SYN, whatever its ports', () => {
    const net = new Net();
    net.send({ us: 0, src: '10.0.0.2', sport: 80, dst: '10.0.0.1', dport: 40000, seq: 1, flags: SYN });
    expect(brief(net)).toEqual(['10.0.0.2:80>10.0.0.1:40000 S S0']);
  });

  it('flips mid-connection on a SYN answering a SYN-ACK seen first, counting packets as Zeek does', () => {
    const net = new Net();
    net.send({ us: 0, src: '10.0.0.1', sport: 40000, dst: '10.0.0.2', dport: 50000, seq: 700, ack: 301, flags: SYN | ACK });
    net.send({ us: 1, src: '10.0.0.2', sport: 50000, dst: '10.0.0.1', dport: 40000, seq: 300, flags: SYN });
    const [row] = net.finish();
    expect([row!.origH, row!.history, row!.connState, row!.origPkts, row!.respPkts]).toEqual(['10.0.0.2', 'Hs^', 'S1', 0, 2]);
  });

  it('starts a new connection on a SYN with another sequence number, not on a retransmitted SYN', () => {
    const net = new Net();
    net.send({ us: 0, seq: 100, flags: SYN }).send({ us: 10, seq: 100, flags: SYN }).send({ us: 20, seq: 999, flags: SYN });
    expect(net.finish().map((r) => [r.history, r.origPkts, r.removedBy])).toEqual([
      ['S', 2, 'reuse'],
      ['S', 1, 'end-expire'],
    ]);
  });

  it('starts a new connection on any SYN once a side closed (REJ, then a retried SYN)', () => {
    const net = new Net();
    net.send({ us: 0, seq: 100, flags: SYN });
    net.send({ us: 1, src: '10.0.0.2', sport: 50000, dst: '10.0.0.1', dport: 40000, seq: 0, ack: 101, flags: RST | ACK });
    net.send({ us: sec(1), seq: 100, flags: SYN });
    expect(brief(net)).toEqual(['10.0.0.1:40000>10.0.0.2:50000 Sr REJ', '10.0.0.1:40000>10.0.0.2:50000 S S0']);
  });

  it('counts a bad checksum as c/C and nothing else; a bad IPv4 header checksum makes no connection', () => {
    const net = new Net({ validateChecksums: true });
    new Talk(net).handshake().client(10, ACK, 10, { badTcpChecksum: true }).server(11, ACK, 0, { badTcpChecksum: true });
    net.send({ us: 20, sport: 7, dport: 8, seq: 1, flags: SYN, badIpChecksum: true });
    const rows = net.finish();
    expect(rows.map((r) => [r.history, r.origPkts, r.respPkts])).toEqual([['ShACc', 2, 1]]);
    const unchecked = new Net({ validateChecksums: false });
    new Talk(unchecked).handshake().client(10, ACK, 10, { badTcpChecksum: true });
    expect(unchecked.finish().map((r) => r.history)).toEqual(['ShAD']);
  });
});

describe('closing (TCPSessionAdapter::ConnectionClosed, TCP_Reassembler::DataPending)', () => {
  it('an RST after both FINs leaves the connection SF', () => {
    const net = new Net();
    new Talk(net).handshake().client(10, FIN | ACK).server(11, FIN | ACK).client(12, RST);
    expect(brief(net)).toEqual(['10.0.0.1:40000>10.0.0.2:50000 ShAFfR SF']);
  });

  it('defers a close while the peer has unacknowledged data: the connection then lingers to the inactivity timeout', () => {
    const run = (ackData: boolean): number => {
      const net = new Net();
      const t = new Talk(net).handshake().server(10, ACK | PSH, 10);
      if (ackData) t.client(11, FIN | ACK);
      else t.client(11, FIN | ACK, 0, { ack: t.sseq - 10 });
      t.server(12, FIN | ACK).client(13, ACK);
      net.send({ us: sec(60), sport: 1, dport: 2, seq: 1, flags: ACK, len: 1 }); // moves time past the close delay
      return net.rows.length;
    };
    expect(run(true)).toBe(1);
    expect(run(false)).toBe(0);
  });

  it('closes a deferred side once the peer\'s data is acknowledged (EndpointEOF)', () => {
    const net = new Net();
    const t = new Talk(net).handshake().server(10, ACK | PSH, 10);
    t.client(11, FIN | ACK, 0, { ack: t.sseq - 10 }); // deferred: the server's 10 bytes are unacknowledged
    t.client(12, ACK, 0, { seq: t.cseq }); // acknowledges them: the client's close goes ahead
    t.server(13, FIN | ACK).client(14, ACK);
    net.send({ us: sec(60), sport: 1, dport: 2, seq: 1, flags: ACK, len: 1 });
    expect(net.rows.map((r) => [r.history, r.connState])).toEqual([['ShAdFf', 'SF']]);
  });
});

describe('conn_state (scripts/base/protocols/conn/main.zeek)', () => {
  it('maps endpoint states as the script does', () => {
    const cs = (o: number, r: number, h = '', os = 0, rs = 0): string => zeekTcpConnState(o, r, os, rs, h);
    expect(cs(SYN_SENT, INACTIVE)).toBe('S0');
    expect(cs(ESTABLISHED, ESTABLISHED)).toBe('S1');
    expect(cs(CLOSED, CLOSED)).toBe('SF');
    expect(cs(SYN_SENT, RESET)).toBe('REJ');
    expect(cs(RESET, RESET, '', 0, 0)).toBe('REJ');
    expect(cs(RESET, RESET, '', 1, 0)).toBe('RSTR');
    expect(cs(PARTIAL, RESET)).toBe('RSTRH');
    expect(cs(ESTABLISHED, RESET)).toBe('RSTR');
    expect(cs(RESET, INACTIVE, 'SR')).toBe('RSTOS0');
    expect(cs(RESET, INACTIVE, '^SaR')).toBe('RSTOS0');
    expect(cs(RESET, INACTIVE, 'SaFR')).toBe('OTH');
    expect(cs(RESET, INACTIVE, 'R')).toBe('OTH');
    expect(cs(RESET, INACTIVE, 'DSR')).toBe('OTH'); // the pattern matches the whole history
    expect(cs(RESET, ESTABLISHED)).toBe('RSTO');
    expect(cs(CLOSED, INACTIVE)).toBe('SH');
    expect(cs(CLOSED, ESTABLISHED)).toBe('S2');
    expect(cs(PARTIAL, CLOSED)).toBe('SHR');
    expect(cs(ESTABLISHED, CLOSED)).toBe('S3');
    expect(cs(SYN_ACK_SENT, INACTIVE)).toBe('OTH');
    expect(cs(PARTIAL, PARTIAL)).toBe('OTH');
  });
});

describe('addresses as Zeek writes them (inet_ntop)', () => {
  it('keeps embedded IPv4 in IPv4-mapped and -compatible IPv6 addresses', () => {
    expect(zeekAddress(6, Uint32Array.of(0, 0, 0xffff, 0x01020304))).toBe('::ffff:1.2.3.4');
    expect(zeekAddress(6, Uint32Array.of(0, 0, 0, 0x01020304))).toBe('::1.2.3.4');
    expect(zeekAddress(6, Uint32Array.of(0, 0, 0, 1))).toBe('::1');
    expect(zeekAddress(6, Uint32Array.of(0x20010000, 0x41379e50, 0x8000f12a, 0xb9c82815))).toBe('2001:0:4137:9e50:8000:f12a:b9c8:2815');
    expect(zeekAddress(4, Uint32Array.of(0, 0, 0xffff, 0xc0a80210))).toBe('192.168.2.16');
  });
});

describe('memory', () => {
  it('forgets each connection once its row is written', () => {
    const net = new Net();
    let most = 0;
    for (let i = 0; i < 2000; i++) {
      const t = new Talk(net, { sport: 1024 + (i % 60000) });
      const at = i * sec(1);
      t.handshake(at).client(at + 10, FIN | ACK).server(at + 11, FIN | ACK).client(at + 12, ACK);
      most = Math.max(most, net.tracker.open, net.tracker.timers.size);
    }
    expect(net.finish().length).toBe(2000);
    expect(most).toBeLessThan(20);
    expect(net.tracker.open).toBe(0);
    expect(net.tracker.timers.size).toBe(0);
  });
});
