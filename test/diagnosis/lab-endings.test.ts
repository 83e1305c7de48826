import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionReport, type ConnectionReport } from '../../src/report/connection-report.js';
import { connectionsOf } from '../helpers/track.js';
import { REPO } from '../helpers/paths.js';

/**
 * Every lab scenario (real Linux stacks, fixtures/lab) gets the ending it was built to
 * produce, and what its applications saw (each socket call's errno, in the truth file)
 * appears in the diagnosis. Closers and Zeek conn_states below follow from how each
 * scenario was built and Zeek's documented rules (main.zeek), not from our output.
 */
interface Truth {
  scenario: string;
  capture: string;
  expected: { ending: string; detail: string | null };
  apps: { client: { step: string; result: number | string }[]; server: { step: string; result: number | string }[] };
}

const LAB = join(REPO, 'fixtures', 'lab');
const truths: Truth[] = readdirSync(LAB)
  .filter((f) => f.endsWith('.truth.json'))
  .map((f) => JSON.parse(readFileSync(join(LAB, f), 'utf8')) as Truth);

/** Who closed (first FIN, or the ending RST, or gave up), by design of each scenario. */
const CLOSER: Record<string, string | null> = {
  'client-closes-first': 'client', 'server-closes-first': 'server', 'fin-ack-piggyback': 'client',
  'simultaneous-close': 'both', 'half-close-then-data': 'client', 'midstream': 'client',
  'ipv6-client-closes-first': 'client', 'refused': 'server', 'linger0-abort': 'client',
  'close-with-unread-data': 'server', 'server-killed-client-writes': 'server', 'syn-timeout': 'client',
  'peer-vanishes': 'client', 'keepalive-dead-peer': 'client', 'close-wait-leak': 'client',
  'late-fin': 'client', 'lost-last-ack': 'client', 'server-reboots': 'server',
  'keepalive-live-peer': null, 'open-at-end': null, 'not-established': null,
  'peer-vanishes-capture-stops': null, 'keepalive-capture-stops': null,
  'icmp-unreachable-connect': null, 'icmp-unreachable-established': null, 'ipv6-abort': 'client',
};

/**
 * Zeek's conn_state for each design: SF both closed; S0 SYN without reply; S1
 * established, open; S2 only the originator closed; REJ SYN answered by RST;
 * RSTO/RSTR the originator/responder reset (a reset after FINs is still a reset).
 */
const ZEEK: Record<string, string> = {
  'client-closes-first': 'SF', 'server-closes-first': 'SF', 'fin-ack-piggyback': 'SF', 'simultaneous-close': 'SF',
  'half-close-then-data': 'SF', 'midstream': 'SF', 'ipv6-client-closes-first': 'SF', 'port-reuse': 'SF',
  'lost-last-ack': 'SF', 'refused': 'REJ', 'syn-timeout': 'S0', 'not-established': 'S0', 'icmp-unreachable-connect': 'S0',
  'linger0-abort': 'RSTO', 'keepalive-dead-peer': 'RSTO', 'late-fin': 'RSTO', 'close-with-unread-data': 'RSTR',
  'server-killed-client-writes': 'RSTR', 'server-reboots': 'RSTR', 'close-wait-leak': 'S2',
  'open-at-end': 'S1', 'keepalive-live-peer': 'S1', 'peer-vanishes': 'S1', 'peer-vanishes-capture-stops': 'S1',
  'keepalive-capture-stops': 'S1', 'icmp-unreachable-established': 'S1', 'ipv6-abort': 'RSTO',
};

/** Scenarios re-recorded in another capture format carry the format in their name. */
const design = (scenario: string): string => scenario.replace(/-(pcapng|nano|sll2)$/, '');

async function reports(truth: Truth): Promise<ConnectionReport[]> {
  const { connections } = await connectionsOf(join(LAB, truth.capture));
  return connections.map(connectionReport);
}

describe('lab endings', () => {
  it('cover the scenarios', () => {
    expect(truths.length).toBeGreaterThanOrEqual(29);
    expect(Object.keys(ZEEK).sort()).toEqual([...new Set(truths.map((t) => design(t.scenario)))].sort());
    expect(truths.map((t) => t.capture.split('.').at(-1))).toContain('pcapng');
  });

  for (const truth of truths) {
    describe(truth.scenario, () => {
      it(`ends as built: ${truth.expected.ending}${truth.expected.detail ? ` (${truth.expected.detail})` : ''}`, async () => {
        const all = await reports(truth);
        expect(all.length).toBeGreaterThan(0);
        for (const r of all) {
          expect(r.ending).toBe(truth.expected.ending);
          if (truth.expected.detail !== null) expect(r.detail?.replace(/ /g, '-')).toBe(truth.expected.detail);
          if (design(truth.scenario) in CLOSER) expect(r.closer).toBe(CLOSER[design(truth.scenario)]);
          expect(r.zeek.connState).toBe(ZEEK[design(truth.scenario)]);
          expect(r.filter).toBe(`tcp.stream eq ${r.stream}`);
          expect(r.evidence.length).toBeGreaterThan(0);
          expect(r.explanation).toContain(`${r.client.ip}`);
        }
      });

      it("names what each application saw", async () => {
        const [r] = await reports(truth);
        for (const side of ['client', 'server'] as const) {
          for (const step of truth.apps[side]) {
            if (typeof step.result === 'string') expect(r!.apps[side], `${side} ${step.step}`).toContain(step.result);
          }
        }
      });
    });
  }
});

describe('explanations', () => {
  it('name the closer and the errors, with a hint where one helps', async () => {
    const [leak] = await reports(truths.find((t) => t.scenario === 'close-wait-leak')!);
    expect(leak!.explanation).toMatch(/the client closed .* the server never closed its side/);
    expect(leak!.explanation).toMatch(/Hint: check that the server application closes the socket when read returns 0/);
    const [killed] = await reports(truths.find((t) => t.scenario === 'server-killed-client-writes')!);
    expect(killed!.explanation).toMatch(/client saw EOF, then EPIPE on the next write/);
    const [lost] = await reports(truths.find((t) => t.scenario === 'lost-last-ack')!);
    expect(lost!.flags).toContain('lost-last-ack');
  });
});
