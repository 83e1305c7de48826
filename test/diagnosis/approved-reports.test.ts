import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../src/library.js';
import type { ConnectionReport } from '../../src/diagnosis/report.js';
import type { SideRecord } from '../../src/track/report.js';
import type { Step } from '../../src/state/timeline.js';
import { CORPUS, HAS_CORPUS, corpusCaptures, labCaptures } from '../helpers/paths.js';

/**
 * Every connection's report, word for word, against an approved file per capture
 * (approved/<set>/<capture>.tsv): the verdict, each side's timeline (state, frame,
 * time, cause, inferred), what each side sent as the tracker counted it, and the
 * explanation. The other tests hold verdicts to truth files (ss, the applications'
 * errno, the expert's reading, Zeek's conn.log) and explanations to properties; this
 * one catches what those let through: a sentence that changes unseen, a cause or frame
 * of a state change, a counter, a side named the wrong way round.
 *
 * It is an approval test, not a truth: the files were read when approved. After a
 * change that alters a report, run `npx vitest run test/diagnosis/approved-reports.test.ts -u`,
 * read the diff line by line (is each changed line still true of the packets?) and
 * commit it with the change. Never update it unread to make the test pass.
 */

/** Captures with more connections approve their first ones only: the rest repeat them. */
const MOST_PER_CAPTURE = 50;

const sets: { name: string; files: string[] }[] = [{ name: 'lab', files: labCaptures().sort() }];
if (HAS_CORPUS) {
  sets.push({ name: 'corpus', files: corpusCaptures().sort().map((f) => join(CORPUS, f)) });
  const zeek = join(CORPUS, '..', 'zeek');
  if (existsSync(zeek)) sets.push({ name: 'zeek', files: readdirSync(zeek).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => join(zeek, f)) });
}

const HEADER = ['stream', 'client', 'server', 'guessed', 'reported', 'ending', 'detail', 'closer', 'client saw', 'server saw', 'evidence', 'zeek', 'flags', 'client timeline', 'server timeline', 'client sent', 'server sent', 'explanation'];

/** Seconds after the connection's first packet, to the microsecond. */
const since = (c: ConnectionReport, t: number): string => (t - c.start).toFixed(6);

/** `SYN-SENT@13+0.000000 sent SYN`; `*` after the state marks a step inferred from a received segment. */
function timeline(c: ConnectionReport, steps: Step[]): string {
  return steps.map((s) => `${s.state}${s.inferred ? '*' : ''}@${s.frame ?? '-'}+${since(c, s.time)} ${s.cause}`).join(' | ');
}

/** A side's counters and frames, those that are not zero, null or false, in the record's order. */
function sent(c: ConnectionReport, side: SideRecord): string {
  const out: string[] = [];
  for (const [key, value] of Object.entries(side)) {
    if (key === 'finalState' || value === 0 || value === null || value === false) continue;
    const shown = key.endsWith('Time') && typeof value === 'number' ? since(c, value) : typeof value === 'object' ? JSON.stringify(value) : String(value);
    out.push(`${key}=${shown}`);
  }
  return out.join(' ');
}

function row(c: ConnectionReport): string {
  return [
    c.stream, `${c.client.ip}:${c.client.port}`, `${c.server.ip}:${c.server.port}`, c.roleGuessed, c.reportedBecause,
    c.ending, c.detail ?? '-', c.closer ?? '-', c.apps.client, c.apps.server, c.evidence.join(','),
    `${c.zeek.connState} ${c.zeek.history}`, c.flags.join(',') || '-',
    timeline(c, c.timeline.client), timeline(c, c.timeline.server),
    sent(c, c.sides.client), sent(c, c.sides.server), c.explanation,
  ].join('\t');
}

for (const set of sets) {
  describe(`approved reports: ${set.name}`, () => {
    it('has captures', () => expect(set.files.length).toBeGreaterThan(10));
    for (const file of set.files) {
      it(basename(file), async () => {
        const { connections } = await analyzeFile(file);
        const rows = connections.slice(0, MOST_PER_CAPTURE).map(row);
        await expect([HEADER.join('\t'), ...rows].join('\n') + '\n').toMatchFileSnapshot(join('approved', set.name, `${basename(file)}.tsv`));
      });
    }
  });
}
