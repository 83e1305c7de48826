import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newAddress } from '../../src/decode/address.js';
import { analyzeFile } from '../../src/library.js';
import { communityId } from '../../src/track/community-id.js';
import { checkTrackerOptions } from '../../src/track/tracker.js';
import { REPO } from '../helpers/paths.js';

const v4 = (text: string): Uint32Array => {
  const a = newAddress();
  a.set([0, 0, 0xffff, text.split('.').reduce((n, o) => n * 256 + Number(o), 0)]);
  return a;
};

describe('Community ID v1', () => {
  // The spec's published TCP vectors (community-id-spec baseline; Zeek's own test of community_id_v1).
  it('equals the reference values for TCP 1.2.3.4:1122 ↔ 5.6.7.8:3344, either way round, seeds 0 and 1', () => {
    const [a, b] = [v4('1.2.3.4'), v4('5.6.7.8')];
    expect(communityId(4, a, 1122, b, 3344)).toBe('1:wCb3OG7yAFWelaUydu0D+125CLM=');
    expect(communityId(4, b, 3344, a, 1122)).toBe('1:wCb3OG7yAFWelaUydu0D+125CLM=');
    expect(communityId(4, a, 1122, b, 3344, 1)).toBe('1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=');
    expect(communityId(4, b, 3344, a, 1122, 1)).toBe('1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=');
  });

  it('orders equal addresses by port, and addresses above 128.0.0.0 as unsigned', () => {
    const a = v4('198.18.1.2');
    expect(communityId(4, a, 40000, a, 80)).toBe(communityId(4, a, 80, a, 40000));
    const [low, high] = [v4('10.0.0.1'), v4('200.0.0.1')];
    expect(communityId(4, low, 1, high, 2)).toBe(communityId(4, high, 2, low, 1));
  });

  it('on equal addresses puts the smaller port first, as the spec orders them (checked against a hash made here)', () => {
    const a = v4('198.18.1.2');
    const bytes = Buffer.from([0, 0, 198, 18, 1, 2, 198, 18, 1, 2, 6, 0, 0, 80, 0x9c, 0x40]);
    const expected = `1:${createHash('sha1').update(bytes).digest('base64')}`;
    expect([communityId(4, a, 40000, a, 80), communityId(4, a, 80, a, 40000)]).toEqual([expected, expected]);
  });

  it('is on every report: equal to tshark 4.0’s communityid for a real IPv4 and IPv6 connection, seed from the options', async () => {
    const file = join(REPO, 'fixtures', 'reader', 'eth-us.pcap');
    // tshark -r eth-us.pcap --enable-protocol communityid -T fields -e tcp.stream -e communityid
    const { connections } = await analyzeFile(file);
    expect(connections.map((c) => c.communityId)).toEqual(['1:1+Php9Go7r9s/tBJVkLchry7yCM=', '1:BeT3cu6OrnyJGnaFk4oDTOjB6dM=']);
    const seeded = await analyzeFile(file, { tracker: { communityIdSeed: 1 } });
    // The same with -o communityid.seed:1.
    expect(seeded.connections.map((c) => c.communityId)).toEqual(['1:p8RV//aFGKmQmbF49ik3qnCwdS4=', '1:F8NiIlIzxneshB8yrzDNKojotqk=']);
    // A seed the 16-bit field cannot hold is refused before reading.
    for (const seed of [65536, -1, 1.5]) await expect(analyzeFile(file, { tracker: { communityIdSeed: seed } })).rejects.toThrow(/the Community ID seed must be a whole number from 0 to 65535/);
  });

  it('takes every seed the 16-bit field holds, its bounds 0 and 65535 included', () => {
    for (const seed of [0, 65535]) expect(() => checkTrackerOptions({ communityIdSeed: seed })).not.toThrow();
    for (const seed of [-1, 65536]) expect(() => checkTrackerOptions({ communityIdSeed: seed })).toThrow(RangeError);
  });
});
