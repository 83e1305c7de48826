import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionsOf } from '../helpers/track.js';
import { REPO } from '../helpers/paths.js';

/**
 * Each side's final state equals what `ss -tanoi` showed on that host when the capture
 * ended (fixtures/lab/*.truth.json). A socket ss did not list was CLOSED. A connection
 * replaced by port reuse has both sides CLOSED: Linux ends the TIME-WAIT that accepts
 * the new SYN, and ss shows only the new connection on those ports.
 */
interface SsSocket {
  state: string;
  local: { port: number };
  peer: { port: number };
}
interface LabTruth {
  scenario: string;
  capture: string;
  ss: { client: SsSocket[]; server: SsSocket[] };
  apps: { client: { step: string; result: unknown }[]; server: { step: string; result: unknown }[] };
}

const LAB = join(REPO, 'fixtures', 'lab');
const truths: LabTruth[] = readdirSync(LAB)
  .filter((f) => f.endsWith('.truth.json'))
  .map((f) => JSON.parse(readFileSync(join(LAB, f), 'utf8')) as LabTruth);

function ssState(list: SsSocket[], local: number, peer: number): string {
  return list.find((s) => s.local.port === local && s.peer.port === peer)?.state ?? 'CLOSED';
}

describe('final states against ss', () => {
  it('cover the scenarios the issue names', () => {
    expect(truths.map((t) => t.scenario)).toEqual(expect.arrayContaining([
      'client-closes-first', 'fin-ack-piggyback', 'half-close-then-data', 'ipv6-client-closes-first',
      'midstream', 'port-reuse', 'server-closes-first', 'simultaneous-close',
    ]));
  });

  for (const truth of truths) {
    it(truth.scenario, async () => {
      const { connections } = await connectionsOf(join(LAB, truth.capture));
      expect(connections.length).toBeGreaterThan(0);
      for (const c of connections) {
        const replaced = c.reportedBecause === 'port-reuse';
        const client = replaced ? 'CLOSED' : ssState(truth.ss.client, c.client.port, c.server.port);
        const server = replaced ? 'CLOSED' : ssState(truth.ss.server, c.server.port, c.client.port);
        expect([c.stream, c.sides.client.finalState, c.sides.server.finalState]).toEqual([c.stream, client, server]);
      }
    });
  }
});

describe('timelines of the lab scenarios', () => {
  const timeline = async (scenario: string) => {
    const { connections } = await connectionsOf(join(LAB, `${scenario}.pcap`));
    const c = connections[0]!;
    return { c, client: c.timeline.client.map((s) => s.state), server: c.timeline.server.map((s) => s.state) };
  };

  it('client closes first: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT against CLOSE-WAIT, LAST-ACK, CLOSED', async () => {
    const { client, server } = await timeline('client-closes-first');
    expect(client).toEqual(['SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT']);
    expect(server).toEqual(['SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
  });

  it('FIN+ACK piggyback: the client passes FIN-WAIT-2 and TIME-WAIT at one frame', async () => {
    const { c } = await timeline('fin-ack-piggyback');
    const [fw2, tw] = c.timeline.client.slice(-2);
    expect([fw2?.state, tw?.state]).toEqual(['FIN-WAIT-2', 'TIME-WAIT']);
    expect(fw2?.frame).toBe(tw?.frame);
  });

  it('simultaneous close: both pass through CLOSING', async () => {
    const { client, server } = await timeline('simultaneous-close');
    expect(client.slice(-3)).toEqual(['FIN-WAIT-1', 'CLOSING', 'TIME-WAIT']);
    expect(server.slice(-3)).toEqual(['FIN-WAIT-1', 'CLOSING', 'TIME-WAIT']);
  });

  it('half-close: the server keeps sending in CLOSE-WAIT (data-after-fin)', async () => {
    const { c, server } = await timeline('half-close-then-data');
    expect(server).toEqual(['SYN-RECEIVED', 'ESTABLISHED', 'CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
    expect(c.flags).toContain('data-after-fin');
  });

  it('a capture started mid-stream: guessed roles right, both open from the first frame', async () => {
    const { c, client } = await timeline('midstream');
    expect(c.flags).toContain('midstream');
    expect(c.roleGuessed).toBe(true);
    expect(c.server.port).toBe(8087);
    expect(client[0]).toBe('ESTABLISHED');
  });
});
