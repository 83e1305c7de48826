import { TCP_SYN, TcpHeader } from '../../src/decode/tcp.js';
import { Connection } from '../../src/track/connection.js';

/**
 * Heap bytes one tracked connection costs after its first SYN: what a SYN flood holds
 * per connection. Builds `count` connections the way the tracker does and measures the
 * heap (typed-array stores included) across full collections: run node --expose-gc.
 */
export function connectionHeapBytes(count = 100_000): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('connectionHeapBytes needs node --expose-gc');
  const client = new Uint32Array([0, 0, 0xffff, 0xc6130001]);
  const server = new Uint32Array([0, 0, 0xffff, 0xc6120202]);
  const syn = new TcpHeader();
  syn.flags = TCP_SYN;
  syn.seq = 5;
  syn.window = 64240;
  const used = (): number => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const held: Connection[] = [];
  const before = used();
  for (let i = 0; i < count; i++) {
    const at = { frame: i + 1, time: 1.5 + i * 1e-5 };
    const c = new Connection(i, 4, client, 1024 + (i % 60000), server, 80, TCP_SYN, at);
    c.segment(0, syn, at);
    held.push(c);
  }
  const bytes = (used() - before) / count;
  if (held.length !== count) throw new Error('lost connections'); // keeps `held` alive past the measurement
  return bytes;
}
