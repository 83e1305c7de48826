import { describe, expect, it } from 'vitest';
import { roles, trackedConnection } from '../../src/track/report.js';
import { ACK, SYN, Wire } from '../helpers/wire.js';

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
