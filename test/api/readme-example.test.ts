// The README's example, as a user would write it in their own vitest suite: the
// package is imported by name (resolved to this repository's build).
import { describe, expect, it } from 'vitest';
import { analyzeFile } from 'tcp-teardown';

describe('the HTTP service in our test capture', () => {
  it('closes every connection cleanly', async () => {
    const { connections } = await analyzeFile('fixtures/lab/client-closes-first.pcap');
    for (const c of connections) {
      expect(c.ending, c.explanation).toBe('graceful');
      expect(c.closer).toBe('client');
    }
  });

  it('refuses connections on a closed port', async () => {
    const { summary } = await analyzeFile('fixtures/lab/refused.pcap');
    expect(summary.byEnding).toEqual({ refused: 1 });
  });
});
