import { columnWidth, timeRange, type Triage } from './triage.js';
import { utcTime } from './time.js';
import { cut, wrap } from './text.js';

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
  // The collapsed line is not a group of one kind: counted apart, so that the heading
  // does not promise a group the line below calls none.
  const named = t.groups.filter((g) => g.kind !== 'others').length;
  const others = t.groups.filter((g) => g.kind === 'others').reduce((n, g) => n + g.connections, 0);
  const rest = others === 0 ? '' : `${named === 0 ? '' : ' and'} ${others} other${others === 1 ? '' : 's'}`;
  const groups = named === 0 ? `none in a group of its kind` : `in ${named} group${named === 1 ? '' : 's'}${rest}`;
  const span = t.start === null || t.end === null ? '' : `, ${timeRange(t.start, t.end, ['from', 'to'])}`;
  const lines = paragraph(`${file}: ${t.problems} problem connection${t.problems === 1 ? '' : 's'} of ${t.connections}, ${groups}${span}`, width, '');
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
