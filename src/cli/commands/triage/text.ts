import { columnWidth, timeRange, type Triage } from '../../../report/triage.js';
import { utcTime } from '../../../report/time.js';
import { cut, wrap } from '../../../report/text.js';

/** Columns a sparkline line spends besides its blocks: the indent and the two bars. */
const SPARKLINE_FRAME = 4;

/** The most sparkline columns a line of `width` has room for (null: no limit of its own). */
export function sparklineRoom(width: number | null): number | undefined {
  return width === null ? undefined : Math.max(1, width - SPARKLINE_FRAME);
}

/**
 * `text` wrapped to `width` at `indent`, its continuation lines indented `hanging` more
 * so that a wrapped sentence reads apart from the next one.
 */
function paragraph(text: string, width: number | null, indent: string, hanging = '  '): string[] {
  const lines = wrap(text, width === null ? null : Math.max(1, width - indent.length), hanging);
  return lines.map((l) => indent + l);
}

/** The triage as people read it: a heading, the sparklines' scale, then each group. */
export function triageText(file: string, t: Triage, width: number | null): string[] {
  const groups = `${t.groups.length} group${t.groups.length === 1 ? '' : 's'}`;
  const span = t.start === null || t.end === null ? '' : `, ${timeRange(t.start, t.end, ['from', 'to'])}`;
  const lines = paragraph(`${file}: ${t.problems} problem connection${t.problems === 1 ? '' : 's'} of ${t.connections}, in ${groups}${span}`, width, '');
  if (t.columns !== null && t.groups.length > 0) {
    lines.push(...paragraph(`each sparkline column = ${columnWidth(t.columns.width)}, from ${utcTime(t.columns.from)} UTC`, width, ''));
  }
  for (const g of t.groups) {
    const more = g.connections > g.streams.length ? ', ...' : '';
    const sparkline = `  |${g.sparkline}|`;
    lines.push(
      '',
      // Deeper than the pattern below it, which starts two in.
      ...paragraph(g.title, width, '', '    '),
      ...paragraph(g.pattern, width, '  '),
      width === null ? sparkline : cut(sparkline, width),
      ...paragraph(`streams ${g.streams.join(', ')}${more}`, width, '  '),
    );
  }
  return lines;
}
