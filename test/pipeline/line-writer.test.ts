import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LineWriter } from '../../src/pipeline/internal/line-writer.js';

/** A slow consumer: each write completes 5 ms later, and little is buffered. */
function slowSink(): { sink: Writable; received: () => string } {
  const parts: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _encoding, done) {
      parts.push(Buffer.from(chunk)); // a copy: the writer may reuse its chunk afterwards
      setTimeout(done, 5);
    },
  });
  return { sink, received: () => Buffer.concat(parts).toString() };
}

const settle = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('LineWriter', () => {
  it('returns from flush when the output drained before flush was called', async () => {
    const { sink, received } = slowSink();
    const out = new LineWriter(sink);
    const lines: string[] = [];
    for (let i = 0; !out.blocked; i++) {
      lines.push(`line ${i} ${'x'.repeat(i % 300)} é`);
      out.push(lines.at(-1)!);
    }
    await settle(200); // 'drain' comes now, before anyone waits for it
    const flushed = await Promise.race([out.flush().then(() => 'flushed'), settle(2000).then(() => 'stuck')]);
    expect(flushed).toBe('flushed');
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(received()).toBe(lines.map((l) => `${l}\n`).join(''));
  });

  it('writes every line in order through a slow output, waiting whenever it is blocked', async () => {
    const { sink, received } = slowSink();
    const out = new LineWriter(sink);
    const lines = Array.from({ length: 20_000 }, (_, i) => `${i}\t${'y'.repeat(i % 97)}`);
    for (const line of lines) {
      out.push(line, '>');
      if (out.blocked) await out.flush();
    }
    await out.flush();
    await new Promise<void>((resolve) => sink.end(resolve));
    expect(received()).toBe(lines.map((l) => `>${l}\n`).join(''));
  });
});
