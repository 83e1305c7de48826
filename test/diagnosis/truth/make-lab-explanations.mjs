// Writes lab-explanations.tsv: every lab connection's explanation, word for word, with
// the verdict it explains. An approval file: after a change to the diagnosis's words,
// run `npm run build && node test/diagnosis/truth/make-lab-explanations.mjs`, read the
// diff line by line (is each changed sentence still true of the packets?), and commit it
// with the change. Never regenerate it to make the test pass unread.
import { readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');
const { analyzeFile } = await import(join(repo, 'dist', 'src', 'index.js'));
const lab = join(repo, 'fixtures', 'lab');
const files = [join(repo, 'fixtures', 'demo.pcap'), ...readdirSync(lab).filter((f) => /\.pcap(ng)?$/.test(f)).sort().map((f) => join(lab, f))];
const rows = ['file\tstream\tending\tdetail\tclient saw\tserver saw\tevidence\texplanation'];
for (const file of files) {
  for (const c of (await analyzeFile(file)).connections) {
    rows.push([relative(repo, file), c.stream, c.ending, c.detail ?? '-', c.apps.client, c.apps.server, c.evidence.join(','), c.explanation].join('\t'));
  }
}
writeFileSync(join(here, 'lab-explanations.tsv'), rows.join('\n') + '\n');
console.log(`${rows.length - 1} connections in ${files.length} captures`);
