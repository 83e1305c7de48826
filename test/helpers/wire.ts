/**
 * A two-endpoint wire for state-machine tests: segments built from one template with
 * overrides, fed to a Connection as the tap would see them. Client is endpoint 0
 * (it sends first), server endpoint 1. Frames count from 1, 10 ms apart.
 */
import { newAddress } from '../../src/decode/address.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN, TcpHeader } from '../../src/decode/tcp.js';
import { Connection } from '../../src/track/connection.js';

export const CLIENT = 0;
export const SERVER = 1;
export { TCP_ACK as ACK, TCP_FIN as FIN, TCP_RST as RST, TCP_SYN as SYN };

export interface Fields {
  seq: number;
  ack?: number;
  flags: number;
  len?: number;
  window?: number;
  wscale?: number;
  sack?: number;
}

export function header(f: Fields): TcpHeader {
  const t = new TcpHeader();
  t.srcPort = 40000;
  t.dstPort = 8080;
  t.seq = f.seq | 0; // TcpHeader keeps int32 form
  t.ack = (f.ack ?? 0) | 0;
  t.flags = f.flags;
  t.payloadLength = f.len ?? 0;
  t.window = f.window ?? 500;
  t.windowScale = f.wscale ?? -1;
  t.sackCount = f.sack ?? 0;
  return t;
}

export class Wire {
  readonly conn: Connection;
  frame = 0;
  time = 1000;
  /** Next sequence number of each side, advanced by `send` (ISNs 100 and 5000). */
  readonly next = [100, 5000];

  /** Endpoint 0 sends `first` (the capture's first packet of the connection). */
  constructor(first: Fields) {
    const a = newAddress();
    const b = newAddress();
    a[3] = 1;
    b[3] = 2;
    this.conn = new Connection(0, 4, a, 40000, b, 8080, first.flags, { frame: 1, time: this.time });
    this.send(0, first);
  }

  /** The tap sees `side` send a segment; returns its frame number. */
  send(side: number, f: Fields): number {
    this.frame++;
    this.time += 0.01;
    this.conn.segment(side as 0 | 1, header(f), { frame: this.frame, time: this.time });
    const used = (f.len ?? 0) + ((f.flags & TCP_SYN) !== 0 ? 1 : 0) + ((f.flags & TCP_FIN) !== 0 ? 1 : 0);
    this.next[side] = Math.max(this.next[side]!, f.seq + used);
    return this.frame;
  }

  /** A segment from `side` at its next sequence number, acknowledging all the peer sent. */
  say(side: number, flags: number, len = 0): number {
    return this.send(side, { seq: this.next[side]!, ack: this.next[1 - side]!, flags: flags | TCP_ACK, len });
  }

  state(side: number): string {
    return this.conn.ends[side]!.state;
  }

  states(): [string, string] {
    return [this.state(CLIENT), this.state(SERVER)];
  }

  /** [frame, state] pairs of one side's timeline. */
  steps(side: number): [number | null, string][] {
    return this.conn.ends[side]!.timeline.steps.map((s) => [s.frame, s.state]);
  }

  finalize(captureEnd = this.time): this {
    this.conn.finalize(captureEnd);
    return this;
  }
}

/** SYN from the client; the server has not answered yet. */
export function synSent(): Wire {
  return new Wire({ seq: 100, flags: TCP_SYN, wscale: 7 });
}

/** SYN, SYN-ACK. */
export function synReceived(): Wire {
  const w = synSent();
  w.send(SERVER, { seq: 5000, ack: 101, flags: TCP_SYN | TCP_ACK, wscale: 7 });
  return w;
}

/** Three-way handshake done, a request and a response exchanged and acknowledged. */
export function established(): Wire {
  const w = synReceived();
  w.say(CLIENT, 0);
  w.say(CLIENT, 0, 100);
  w.say(SERVER, 0, 300);
  w.say(CLIENT, 0);
  return w;
}

/** The client has sent its FIN. */
export function finWait1(): Wire {
  const w = established();
  w.say(CLIENT, TCP_FIN);
  return w;
}

/** The server acknowledged the client's FIN. */
export function finWait2(): Wire {
  const w = finWait1();
  w.say(SERVER, 0);
  return w;
}

/** The server has sent its FIN too (client TIME-WAIT once it ACKs it). */
export function lastAck(): Wire {
  const w = finWait2();
  w.say(SERVER, TCP_FIN);
  return w;
}
