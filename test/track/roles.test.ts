import { describe, expect, it } from 'vitest';
import { newAddress } from '../../src/decode/address.js';
import { Connection } from '../../src/track/connection.js';
import { roles, trackedConnection } from '../../src/track/report.js';
import { ACK, header, SYN, Wire } from '../helpers/wire.js';

/** The wire's endpoint 0 is 0.0.0.1:40000 and sends first; endpoint 1 is 0.0.0.2:8080. */
describe('roles', () => {
  it('are known from the SYN: its sender is the client', () => {
    const w = new Wire({ seq: 100, flags: SYN });
    expect(roles(w.conn)).toEqual({ client: 0, guessed: false });
  });

  it('without the SYN, make the receiver of the SYN-ACK the client, and say it was guessed', () => {
    // Endpoint 0 sends the SYN-ACK: it is the server, though its port is the higher one
    // (the port rule alone would make it the client).
    const w = new Wire({ seq: 5000, ack: 101, flags: SYN | ACK });
    w.send(1, { seq: 101, ack: 5001, flags: ACK });
    expect(roles(w.conn)).toEqual({ client: 1, guessed: true });
    const report = trackedConnection(w.conn, 'capture-end', w.time);
    expect([report.client.port, report.server.port, report.roleGuessed]).toEqual([8080, 40000, true]);
  });

  it('with neither SYN nor SYN-ACK, make the lower port the server, and say it was guessed', () => {
    const w = new Wire({ seq: 7000, ack: 9000, flags: ACK, len: 100 });
    expect(roles(w.conn)).toEqual({ client: 0, guessed: true });
    const report = trackedConnection(w.conn, 'capture-end', w.time);
    expect([report.client.port, report.server.port, report.roleGuessed]).toEqual([40000, 8080, true]);
  });
});

describe('roles guessed from ports alone (no SYN, no SYN-ACK)', () => {
  /** A connection first seen as data from port `first` to port `second`. */
  const midstream = (first: number, second: number): Connection => {
    const [a, b] = [newAddress(), newAddress()];
    a[3] = 1;
    b[3] = 2;
    const c = new Connection(0, 4, a, first, b, second, ACK, { frame: 1, time: 1000 });
    c.segment(0, header({ seq: 7000, ack: 9000, flags: ACK, len: 100 }), { frame: 1, time: 1000 });
    return c;
  };
  const client = (first: number, second: number): number => roles(midstream(first, second)).client;

  it('a well-known port (below 1024) facing an ephemeral one is the server, at the 1023/1024 boundary too', () => {
    expect([client(443, 50000), client(50000, 443), client(1023, 1024), client(1024, 1023)]).toEqual([1, 0, 1, 0]);
  });

  it('else the lower port is the server, among well-known and among ephemeral ports alike', () => {
    expect([client(22, 80), client(80, 22), client(8080, 40000), client(40000, 8080)]).toEqual([1, 0, 1, 0]);
  });

  it('on equal ports, whoever spoke first is the client; every such guess is said to be one', () => {
    expect(roles(midstream(5000, 5000))).toEqual({ client: 0, guessed: true });
  });

  it('the side that opened the next connection on the same ports is the client, whatever the ports say', () => {
    const c = midstream(443, 50000);
    c.reopenedBy = 0;
    expect(roles(c)).toEqual({ client: 0, guessed: true });
  });
});
