import { createReadStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip, gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { readCapture } from '../../src/capture/reader.js';
import { CaptureError } from '../../src/capture/errors.js';
import { CORPUS, HAS_CORPUS, READER_FIXTURES, corpusBadCaptures, corpusCaptures } from '../helpers/paths.js';

/**
 * Differential test: our classic-pcap reader yields exactly the records pcap-parser
 * (the design card's reference) yields, on every microsecond pcap it reads: fixtures,
 * corpus captures and the corpus's damaged files (up to where either stops).
 */
const pcapParser = createRequire(import.meta.url)('pcap-parser') as {
  parse(input: Readable): NodeJS.EventEmitter;
};

interface Rec {
  sec: number;
  usec: number;
  captured: number;
  original: number;
  bytes: Buffer;
}

function gunzipIfNeeded(path: string): Readable {
  const head = readFileSync(path).subarray(0, 2);
  const raw = createReadStream(path);
  return head[0] === 0x1f && head[1] === 0x8b ? raw.pipe(createGunzip()).on('error', () => raw.destroy()) : raw;
}

function viaPcapParser(path: string): Promise<Rec[]> {
  return new Promise((resolve) => {
    const out: Rec[] = [];
    const parser = pcapParser.parse(gunzipIfNeeded(path));
    parser.on('packet', (p: { header: { timestampSeconds: number; timestampMicroseconds: number; capturedLength: number; originalLength: number }; data: Buffer }) => {
      const h = p.header;
      out.push({ sec: h.timestampSeconds, usec: h.timestampMicroseconds, captured: h.capturedLength, original: h.originalLength, bytes: Buffer.from(p.data) });
    });
    parser.on('error', () => undefined);
    parser.on('end', () => resolve(out));
  });
}

async function viaOurs(path: string): Promise<Rec[]> {
  const out: Rec[] = [];
  try {
    await readCapture(path, (r) => {
      out.push({
        sec: r.tsSec,
        usec: r.tsNsec / 1000,
        captured: r.capturedLength,
        original: r.originalLength,
        bytes: Buffer.from(r.data.subarray(r.offset, r.offset + r.capturedLength)),
      });
    });
  } catch (err) {
    if (!(err instanceof CaptureError)) throw err;
  }
  return out;
}

/** Microsecond classic pcap (possibly gzipped) with a version pcap-parser accepts. */
function isMicrosecondPcap(path: string): boolean {
  const stream = readFileSync(path);
  const bytes = stream[0] === 0x1f && stream[1] === 0x8b ? gunzipSyncSafe(stream) : stream;
  if (bytes.length < 24) return false;
  const magic = bytes.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4 && magic !== 0xd4c3b2a1) return false;
  const major = magic === 0xa1b2c3d4 ? bytes.readUInt16LE(4) : bytes.readUInt16BE(4);
  const minor = magic === 0xa1b2c3d4 ? bytes.readUInt16LE(6) : bytes.readUInt16BE(6);
  // Before 2.3, libpcap (and we) swap captured/original length when they are reversed,
  // and versions other than 2.x libpcap rejects; pcap-parser does neither, so those
  // files are no fair comparison (the reader fixtures test them against tshark).
  return major === 2 && minor >= 3 && minor <= 4;
}

function gunzipSyncSafe(b: Buffer): Buffer {
  try {
    return gunzipSync(b);
  } catch {
    return Buffer.alloc(0);
  }
}

const fixtureFiles = readFileSync(join(READER_FIXTURES, 'MANIFEST.tsv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((l) => join(READER_FIXTURES, l.split('\t')[0]!));
const corpusFiles = HAS_CORPUS ? [...corpusCaptures().map((f) => join(CORPUS, f)), ...corpusBadCaptures().map((f) => join(CORPUS, 'bad', f))] : [];
const candidates = [...fixtureFiles, ...corpusFiles].filter(isMicrosecondPcap);

describe('classic pcap reader against pcap-parser', () => {
  it('has many files to compare', () => {
    expect(candidates.length).toBeGreaterThanOrEqual(HAS_CORPUS ? 50 : 15);
  });

  for (const path of candidates) {
    it(path.slice(path.lastIndexOf('/', path.lastIndexOf('/') - 1) + 1), async () => {
      const [theirs, ours] = await Promise.all([viaPcapParser(path), viaOurs(path)]);
      expect(ours.length).toBe(theirs.length);
      for (let i = 0; i < theirs.length; i++) {
        const a = ours[i]!;
        const b = theirs[i]!;
        expect([a.sec, a.usec, a.captured, a.original]).toEqual([b.sec, b.usec, b.captured, b.original]);
        expect(a.bytes.equals(b.bytes)).toBe(true);
      }
    });
  }
});
