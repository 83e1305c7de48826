import { constants, createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { Decompress } from 'fzstd';
import { i32le } from './byte-order.js';
import type { ByteSource } from './source.js';
import { chunkSource } from './source.js';

export type Compression = 'none' | 'gzip' | 'zstd';

/** Recognises a compressed stream by its first bytes (never by the file name). */
export function compressionOf(first: Buffer): Compression {
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) return 'gzip';
  if (first.length >= 4 && (i32le(first, 0) >>> 0) === 0xfd2fb528) return 'zstd';
  return 'none';
}

/** The compressed data itself is broken (not merely cut short). */
export class CompressionFault extends Error {}

/** Source of decompressed bytes; `cutShort` turns true when the compressed input ended early. */
export interface DecompressedSource extends ByteSource {
  readonly cutShort: boolean;
}

const RAW_CHUNK = 1024 * 1024;

/** The last four bytes of a gzip stream: ISIZE, the uncompressed size mod 2^32. */
class GzipTrailer {
  private readonly last = Buffer.alloc(4);
  private seen = 0;

  note(chunk: Buffer): void {
    const take = Math.min(4, chunk.length);
    this.last.copyWithin(0, take);
    chunk.copy(this.last, 4 - take, chunk.length - take);
    this.seen += chunk.length;
  }

  /**
   * Whether the stream ended with the trailer of `size` decompressed bytes. (A file
   * of several gzip members ends with the last member's size: such files, rare, read
   * fully but are reported as cut short.)
   */
  matches(size: number): boolean {
    return this.seen >= 18 && this.last.readUInt32LE(0) === size % 2 ** 32;
  }
}

/** The bytes already read (`prefix`) followed by the rest of `raw`, in fresh chunks. */
async function* compressedChunks(prefix: Buffer, raw: ByteSource, trailer: GzipTrailer | null): AsyncGenerator<Buffer> {
  if (prefix.length > 0) {
    trailer?.note(prefix);
    yield prefix;
  }
  for (;;) {
    const chunk = Buffer.allocUnsafe(RAW_CHUNK);
    const n = await raw.read(chunk, 0, RAW_CHUNK);
    if (n === 0) return;
    const part = chunk.subarray(0, n);
    trailer?.note(part);
    yield part;
  }
}

export function decompressingSource(kind: Exclude<Compression, 'none'>, prefix: Buffer, raw: ByteSource): DecompressedSource {
  const trailer = new GzipTrailer();
  const input = compressedChunks(prefix, raw, kind === 'gzip' ? trailer : null);
  const output = kind === 'gzip' ? gunzipped(input) : unzstded(input);
  const inner = chunkSource(output);
  let produced = 0;
  const source = {
    cutShort: false,
    size: Infinity,
    async read(into: Buffer, offset: number, length: number): Promise<number> {
      try {
        const n = await inner.read(into, offset, length);
        produced += n;
        // gzip decompresses truncated input without an error (see gunzipped); a
        // complete stream ends with ISIZE, its size mod 2^32 (RFC 1952 2.3.1).
        if (n === 0 && kind === 'gzip' && !trailer.matches(produced)) source.cutShort = true;
        return n;
      } catch (err) {
        if (isTruncation(err)) {
          // Wireshark and libpcap read what decompressed before the cut; so do we.
          source.cutShort = true;
          return 0;
        }
        throw new CompressionFault(`${kind} data is corrupt (${err instanceof Error ? err.message : String(err)})`);
      }
    },
    async close() {
      await inner.close();
      await raw.close();
    },
  };
  return source;
}

function isTruncation(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  // zlib: "unexpected end of file" (Z_BUF_ERROR); fzstd: "unexpected EOF" (code 5).
  return code === 'Z_BUF_ERROR' || /unexpected (end of file|EOF)/i.test(err.message);
}

/**
 * Z_SYNC_FLUSH at the end makes zlib hand over everything a truncated stream holds
 * instead of failing (Node's zlib documentation): with the default, the "unexpected end
 * of file" error destroys the stream and drops output still buffered, so how much of a
 * cut file was read depended on timing. Truncation is told by the trailer instead.
 */
function gunzipped(input: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const gunzip = createGunzip({ chunkSize: 256 * 1024, finishFlush: constants.Z_SYNC_FLUSH });
  const readable = Readable.from(input, { objectMode: false });
  readable.on('error', (e) => gunzip.destroy(e));
  return readable.pipe(gunzip);
}

async function* unzstded(input: AsyncIterable<Buffer>): AsyncGenerator<Uint8Array> {
  const ready: Uint8Array[] = [];
  const decoder = new Decompress((chunk) => {
    ready.push(chunk);
  });
  for await (const chunk of input) {
    decoder.push(chunk);
    yield* ready.splice(0);
  }
  decoder.push(new Uint8Array(0), true);
  yield* ready.splice(0);
}
