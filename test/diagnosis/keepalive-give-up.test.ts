import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import { REPO } from '../helpers/paths.js';

/**
 * Linux ends a connection whose keepalive probes ran out with RST+ACK (tcp_keepalive_timer
 * → tcp_send_active_reset): that RST is the give-up, a timeout. A bare RST after
 * unanswered keepalives is something else (a host that lost the connection answers
 * without ACK, RFC 9293 3.10.7.1), so the ACK flag is part of the rule. The lab's dead
 * peer ends with that RST+ACK; the same capture with the ACK bit of that one segment
 * cleared must no longer read as a keepalive timeout.
 */
const DEAD_PEER = join(REPO, 'fixtures', 'lab', 'keepalive-dead-peer.pcap');
const dir = mkdtempSync(join(tmpdir(), 'teardown-keepalive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The capture with the TCP flags of frame `frame` ANDed with `keep` (classic pcap, Ethernet, IPv4). */
function withFlags(frame: number, keep: number): string {
  const bytes = Buffer.from(readFileSync(DEAD_PEER));
  expect([bytes.readUInt32LE(0), bytes.readUInt32LE(20)]).toEqual([0xa1b2c3d4, 1]);
  let at = 24;
  for (let n = 1; n < frame; n++) at += 16 + bytes.readUInt32LE(at + 8);
  const ip = at + 16 + 14;
  expect(bytes[ip]! >> 4).toBe(4);
  const flags = ip + (bytes[ip]! & 0x0f) * 4 + 13;
  bytes[flags] = bytes[flags]! & keep;
  const path = join(dir, `frame-${frame}.pcap`);
  writeFileSync(path, bytes);
  return path;
}

describe('a keepalive give-up', () => {
  it('is the RST+ACK after unanswered probes; a bare RST there is a reset', async () => {
    const [c] = (await analyzeFile(DEAD_PEER)).connections;
    expect([c!.ending, c!.detail, c!.closer]).toEqual(['timeout', 'keepalive', 'client']);
    expect(c!.endingRst).toMatchObject({ withAck: true, afterUnansweredKeepalives: true, by: 'client' });
    const ACK = 0x10;
    const [bare] = (await analyzeFile(withFlags(c!.endingRst!.frame, ~ACK & 0xff))).connections;
    expect(bare!.endingRst).toMatchObject({ frame: c!.endingRst!.frame, withAck: false, afterUnansweredKeepalives: true });
    expect(bare!.ending).toBe('reset');
    expect(bare!.explanation).not.toMatch(/keepalive probes? went unanswered; it gave up/);
  });
});
