import { TCP_RST, type TcpHeader } from '../decode/tcp.js';
import type { Moment } from './connection.js';

/**
 * The same IP datagram seen twice this soon is one transmission captured twice (a tap on
 * two interfaces or VLANs, a duplicating switch), not a retransmission: no stack resends
 * this fast with the same IP ID (Linux's minimum RTO is 200 ms, and a tail-loss probe
 * takes a new ID).
 */
const DUPLICATE_SECONDS = 0.2;
/** Segments remembered (a power of two): the copies may have other frames between them. */
const RECENT = 16;
/** Per segment: stream, IPv4 ID, seq, ack, flags with window and length, time. */
const FIELDS = 6;

/**
 * The capture's last RECENT TCP segments, for telling a segment captured twice (docs/
 * endings.md, "hardware-duplicates") from one sent twice. One ring for the whole
 * capture, not one per connection: a SYN flood holds hundreds of thousands of
 * connections, and the copies of a datagram lie a few frames apart whatever the
 * connection. IPv6 has no identification: its segments are never judged duplicates.
 */
export class DuplicateWindow {
  private readonly recent = new Float64Array(RECENT * FIELDS).fill(-1);
  private next = 0;

  /** Whether this segment of `stream` repeats a recent one in every field; remembers it otherwise. */
  isDuplicate(stream: number, ipId: number, t: TcpHeader, at: Moment): boolean {
    // Linux sends the replies it makes without a socket (an RST to a segment of no
    // connection) with IP ID 0 (RFC 6864: an atomic datagram's ID identifies nothing), so
    // two such RSTs alike in every field answer two segments: never judged copies.
    if (ipId < 0 || (ipId === 0 && (t.flags & TCP_RST) !== 0)) return false;
    // Read from the reused Moment: a double passed to a call V8 does not inline is boxed.
    const time = at.time;
    // Flags (12 bits), window (16) and length (under 2^24) in one exact double.
    const shape = t.flags + t.window * 4096 + t.payloadLength * 268435456;
    const r = this.recent;
    for (let i = 0; i < RECENT * FIELDS; i += FIELDS) {
      if (r[i + 1] === ipId && r[i] === stream && r[i + 2] === t.seq && r[i + 3] === t.ack && r[i + 4] === shape && time - r[i + 5]! < DUPLICATE_SECONDS) return true;
    }
    const slot = this.next * FIELDS;
    r[slot] = stream;
    r[slot + 1] = ipId;
    r[slot + 2] = t.seq;
    r[slot + 3] = t.ack;
    r[slot + 4] = shape;
    r[slot + 5] = time;
    this.next = (this.next + 1) & (RECENT - 1);
    return false;
  }
}
