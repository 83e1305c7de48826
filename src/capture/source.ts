import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';

/**
 * Where capture bytes come from: a file, standard input, or a decompressor in front of
 * either. `read` fills the caller's buffer (the reader's window) and resolves 0 at the
 * end of the input, so the reader owns all buffering and never concatenates per packet.
 */
export interface ByteSource {
  read(into: Buffer, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
  /** Total bytes when known in advance (a regular file), else Infinity (pipes, decompressors). */
  readonly size: number;
}

export async function openFileSource(path: string): Promise<ByteSource> {
  const handle: FileHandle = await open(path, 'r');
  const stats = await handle.stat();
  return {
    size: stats.isFile() ? stats.size : Infinity,
    async read(into, offset, length) {
      const { bytesRead } = await handle.read(into, offset, length, null);
      return bytesRead;
    },
    close: () => handle.close(),
  };
}

/**
 * A source over any async sequence of byte chunks (a Readable such as process.stdin,
 * or a decompressor). Pulling one chunk at a time is what gives back-pressure: a stream
 * stays paused while the reader is busy with the bytes it already has.
 */
export function chunkSource(chunks: AsyncIterable<Uint8Array>, onClose?: () => void): ByteSource {
  const iterator = chunks[Symbol.asyncIterator]();
  let current: Uint8Array | null = null;
  let position = 0;
  let done = false;
  return {
    size: Infinity,
    async read(into, offset, length) {
      while (!done && (current === null || position >= current.length)) {
        const next = await iterator.next();
        if (next.done === true) done = true;
        else {
          current = next.value;
          position = 0;
        }
      }
      if (done || current === null) return 0;
      const n = Math.min(length, current.length - position);
      into.set(current.subarray(position, position + n), offset);
      position += n;
      return n;
    },
    async close() {
      onClose?.();
      if (!done) await iterator.return?.();
    },
  };
}

export function streamSource(stream: Readable): ByteSource {
  return chunkSource(stream, () => stream.destroy());
}
