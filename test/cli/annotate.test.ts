import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { teardown } from '../helpers/cli.js';
import { REPO } from '../helpers/paths.js';
import { pcapngComments } from '../helpers/pcapng-comments.js';

const FIXTURES = join(REPO, 'fixtures');
const ANNOTATE = join(FIXTURES, 'annotate');
const dir = mkdtempSync(join(tmpdir(), 'annotate-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Inputs of every container the reader takes, each with tshark's reading of its annotated copy (fixtures/make-annotate-fixtures.sh). */
const cases = readFileSync(join(ANNOTATE, 'MANIFEST.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split('\t') as [string, string]);

/** Every record as the reader hands it out, its bytes copied. */
async function records(path: string): Promise<object[]> {
  const out: object[] = [];
  await readCapture(path, (r) => {
    out.push({
      frame: r.frame,
      tsSec: r.tsSec,
      tsNsec: r.tsNsec,
      hasTimestamp: r.hasTimestamp,
      capturedLength: r.capturedLength,
      originalLength: r.originalLength,
      linkType: r.linkType,
      fcsLength: r.fcsLength,
      interfaceId: r.interfaceId,
      bytes: Buffer.from(r.data.subarray(r.offset, r.offset + r.capturedLength)).toString('hex'),
    });
  });
  return out;
}

describe('teardown annotate', () => {
  it.each(cases)('%s: the copy has the comments tshark read from it, and every packet as it was', async (input, truth) => {
    const copy = join(dir, `${truth}.pcapng`);
    const run = await teardown(['annotate', join(FIXTURES, input), '-o', copy, '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(pcapngComments(copy)).toEqual(JSON.parse(readFileSync(join(ANNOTATE, truth), 'utf8')));
    expect(await records(copy)).toEqual(await records(join(FIXTURES, input)));
  });

  it('keeps the comments a capture had, before its own', async () => {
    const copy = join(dir, 'commented-again.pcapng');
    expect((await teardown(['annotate', join(ANNOTATE, 'commented.pcapng'), '-o', copy, '--quiet'])).code).toBe(0);
    const comments = pcapngComments(copy);
    expect(comments['5']).toEqual(['a comment of the capture']);
    expect(comments['13']![0]).toBe('captured on the lab veth, client side');
    expect(comments['13']![1]).toMatch(/^teardown: stream 0 graceful/);
  });

  it('gives the copy an unknown section length (-1): the comments make the original one wrong', async () => {
    const input = join(FIXTURES, 'reader', 'eth-dumpcap.pcapng');
    const original = readFileSync(input);
    // A section length the writer filled in, as some do.
    const withLength = Buffer.from(original);
    withLength.writeBigInt64LE(BigInt(original.length - 0), 16);
    const given = join(dir, 'section-length.pcapng');
    writeFileSync(given, withLength);
    const copy = join(dir, 'section-length-copy.pcapng');
    expect((await teardown(['annotate', given, '-o', copy, '--quiet'])).code).toBe(0);
    expect(readFileSync(copy).readBigInt64LE(16)).toBe(-1n);
  });

  it('puts the verdict on the first frame and names what each evidence frame did', async () => {
    const copy = join(dir, 'demo-verdicts.pcapng');
    expect((await teardown(['annotate', join(FIXTURES, 'demo.pcap'), '-o', copy])).code).toBe(0);
    const comments = pcapngComments(copy);
    const json = JSON.parse((await teardown(['analyze', join(FIXTURES, 'demo.pcap'), '--format', 'json', '--stream', '12'])).stdout);
    const c = json.connections[0];
    expect(comments[String(c.firstFrame)]).toContain(`teardown: stream 12 reset (after-close): ${c.explanation}`);
    expect(comments['462']).toEqual(['teardown: stream 12 reset (after-close), evidence 2 of 3: client: data after the server\'s FIN (the verdict is on frame 443)']);
    // The server's FIN: it moved to FIN-WAIT-1, and the client (as seen) to CLOSE-WAIT.
    expect(comments['456']).toEqual(['teardown: stream 12 reset (after-close), evidence 1 of 3: client: received FIN → CLOSE-WAIT (inferred); server: sent FIN → FIN-WAIT-1 (the verdict is on frame 443)']);
  });

  it('reads standard input, keeping it for the second read: the same copy as from the file', async () => {
    const fromFile = join(dir, 'file.pcapng');
    const fromStdin = join(dir, 'stdin.pcapng');
    await teardown(['annotate', join(FIXTURES, 'demo.pcap'), '-o', fromFile, '--quiet']);
    const run = await teardown(['annotate', '-', '-o', fromStdin], { stdinFile: join(FIXTURES, 'demo.pcap') });
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^teardown: .*stdin\.pcapng: 1529 frames, 28 connections, 117 comments on 114 frames/);
    expect(readFileSync(fromStdin).equals(readFileSync(fromFile))).toBe(true);
  });

  it('says which comments had no place: a Simple Packet Block holds none', async () => {
    const run = await teardown(['annotate', join(FIXTURES, 'reader', 'simple-packet-blocks.pcapng'), '-o', join(dir, 'spb.pcapng')]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning: 10 comments not written: their frames are Simple Packet Blocks, which hold no comments');
  });

  it('refuses to write over its input, a damaged capture, and an output it cannot create, with one line and exit 2', async () => {
    const input = join(FIXTURES, 'demo.pcap');
    const self = await teardown(['annotate', input, '-o', input]);
    expect(self.code).toBe(2);
    expect(self.stderr).toBe(`teardown: ${input}: -o names the capture itself: annotate writes a copy, give it another name\n`);

    const broken = join(FIXTURES, 'reader', 'broken-caplen.pcap');
    const out = join(dir, 'broken.pcapng');
    const damaged = await teardown(['annotate', broken, '-o', out]);
    expect(damaged.code).toBe(2);
    expect(damaged.stderr).toMatch(new RegExp(`^teardown: ${broken}: .* at byte \\d+\\n$`));
    expect(existsSync(out)).toBe(false);

    const nowhere = join(dir, 'no-such-dir', 'x.pcapng');
    const unwritable = await teardown(['annotate', input, '-o', nowhere]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toBe(`teardown: ${nowhere}: cannot write (ENOENT)\n`);
  });
});
