import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionReport } from '../../src/diagnosis/report.js';
import { connectionsOf } from '../helpers/track.js';
import { REPO } from '../helpers/paths.js';

/**
 * Some three hundred concurrent real connections (fixtures/lab/mix.py), each built to
 * end one way: client-first or server-first close, client abort (SO_LINGER 0), server
 * close with unread data (RST), refused. Truth per connection, keyed by client port.
 */
interface Expected {
  port: number;
  kind: string;
  ending: string;
  closer: string;
  seen: (number | string)[];
}

const truth = JSON.parse(readFileSync(join(REPO, 'fixtures', 'lab', 'mixed.connections.json'), 'utf8')) as {
  capture: string;
  serverPort: number;
  connections: Expected[];
};

/** The OS reuses client ports, so a connection is known by both ports; refused ones went to the next port. */
const key = (clientPort: number, serverPort: number): string => `${clientPort}:${serverPort}`;

describe('a few hundred mixed connections', () => {
  it('each get the ending and closer they were built for', async () => {
    const { connections } = await connectionsOf(join(REPO, 'fixtures', 'lab', truth.capture));
    const byPorts = new Map(connections.map((c) => [key(c.client.port, c.server.port), connectionReport(c)]));
    expect(truth.connections.length).toBe(300);
    const wrong: string[] = [];
    for (const e of truth.connections) {
      const r = byPorts.get(key(e.port, e.kind === 'r' ? truth.serverPort + 1 : truth.serverPort));
      if (r === undefined || r.ending !== e.ending || r.closer !== e.closer) {
        wrong.push(`${e.port} (${e.kind}): expected ${e.ending} by ${e.closer}, got ${r?.ending} by ${r?.closer}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(new Set(truth.connections.map((e) => e.ending))).toEqual(new Set(['graceful', 'reset', 'refused']));
  });
});
