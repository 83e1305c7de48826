import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { Decompress } from 'fzstd';
import { i32le } from '../byte-order.js';
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

/** The bytes already read (`prefix`) followed by the rest of `raw`, in fresh chunks. */
async function* compressedChunks(prefix: Buffer, raw: ByteSource): AsyncGenerator<Buffer> {
  if (prefix.length > 0) yield prefix;
  for (;;) {
    const chunk = Buffer.allocUnsafe(RAW_CHUNK);
    const n = await raw.read(chunk, 0, RAW_CHUNK);
    if (n === 0) return;
    yield chunk.subarray(0, n);
  }
}

export function decompressingSource(kind: Exclude<Compression, 'none'>, prefix: Buffer, raw: ByteSource): DecompressedSource {
  const input = compressedChunks(prefix, raw);
  const output = kind === 'gzip' ? gunzipped(input) : unzstded(input);
  const inner = chunkSource(output);
  const source = {
    cutShort: false,
    size: Infinity,
    async read(into: Buffer, offset: number, length: number): Promise<number> {
      try {
        return await inner.read(into, offset, length);
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

function gunzipped(input: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
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
