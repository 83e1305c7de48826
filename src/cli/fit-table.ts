import Table from 'cli-table3';
import { cut, displayWidth, NO_BREAK, wrap } from '../report/text.js';

/** One column of a table that fits the terminal. */
export interface Column {
  head: string;
  /**
   * When the table is too wide, columns go in the order of this rank, lowest first;
   * a column without one always stays (what identifies a row, and its verdict).
   */
  drop?: number;
  /**
   * The column whose long text (an explanation) leaves the row for a line of its own
   * under it, across the whole table, when the row cannot hold it at `min` columns.
   */
  under?: { min: number };
}

/** Padding and border: a column of `w` text columns takes w + 3, the table 1 more. */
const FRAME_PER_COLUMN = 3;

/**
 * Lays `rows` out as a boxed table no wider than `width` (null: as wide as the text).
 * In this order, until it fits: the `under` column wraps in its place down to its
 * minimum, then moves under its row; cells wrap at spaces (never inside a word: cells
 * join what must stay together with NO_BREAK); columns are dropped by rank; at last,
 * what still does not fit is cut with "…". Each step keeps more of what a person
 * reads a row for than the next.
 */
export function fitTable(columns: readonly Column[], rows: readonly string[][], width: number | null, colour: boolean): string {
  const texts = (i: number): string[] => [columns[i]!.head, ...rows.map((r) => r[i]!)];
  const natural = columns.map((_, i) => Math.max(...texts(i).flatMap((t) => t.split('\n')).map(displayWidth)));
  // The narrowest a column gets without cutting: its longest word.
  const narrowest = columns.map((_, i) => Math.max(...texts(i).flatMap((t) => t.split(/[\n ]/)).map(displayWidth)));
  const frame = (shown: number[], w: number[]): number => shown.reduce((n, i) => n + w[i]! + FRAME_PER_COLUMN, 1);

  let shown = columns.map((_, i) => i);
  const widths = [...natural];
  let under: number | null = null;
  const underColumn = columns.findIndex((c) => c.under !== undefined);
  if (width !== null && frame(shown, widths) > width && underColumn >= 0) {
    // The long text takes what the other columns leave at their natural widths, or
    // at least its minimum while they wrap, if they can wrap that far.
    const others = shown.filter((i) => i !== underColumn);
    const min = columns[underColumn]!.under!.min;
    if (width - frame(others, narrowest) - FRAME_PER_COLUMN >= min) {
      widths[underColumn] = Math.min(natural[underColumn]!, Math.max(min, width - frame(others, natural) - FRAME_PER_COLUMN));
      shrink(others, widths, narrowest, width - widths[underColumn]! - FRAME_PER_COLUMN, texts);
    } else {
      under = underColumn;
      shown = others;
    }
  }
  if (width !== null && frame(shown, widths) > width) {
    shrink(shown, widths, narrowest, width, texts);
    const byRank = shown.filter((i) => columns[i]!.drop !== undefined).sort((a, b) => columns[a]!.drop! - columns[b]!.drop!);
    while (frame(shown, widths) > width && byRank.length > 0) {
      const gone = byRank.shift()!;
      shown = shown.filter((i) => i !== gone);
      // Room freed: the columns left unwrap as far as it goes.
      for (const i of shown) widths[i] = natural[i]!;
      shrink(shown, widths, narrowest, width, texts);
    }
    // Still too wide (a very narrow terminal): the widest columns give up the rest.
    while (frame(shown, widths) > width) {
      const widest = shown.reduce((a, b) => (widths[b]! > widths[a]! ? b : a));
      if (widths[widest]! <= 1) break;
      widths[widest]!--;
    }
  }

  const table = new Table({
    head: shown.map((i) => lay(columns[i]!.head, widths[i]!)),
    style: { head: colour ? ['cyan'] : [], border: colour ? ['grey'] : [] },
    colWidths: shown.map((i) => widths[i]! + 2),
    wordWrap: false,
  });
  const across = frame(shown, widths) - 4;
  for (const row of rows) {
    table.push(shown.map((i) => lay(row[i]!, widths[i]!)));
    if (under !== null && row[under] !== '') table.push([{ colSpan: shown.length, content: lay(row[under]!, across) }]);
  }
  return table.toString();
}

/**
 * Narrows the wrappable columns of `shown` (the widest first) until the table fits
 * `width` or each is at its longest word. A column narrowed takes the width its text
 * then really needs: wrapped at a space, it may need several columns less.
 */
function shrink(shown: readonly number[], widths: number[], narrowest: readonly number[], width: number, texts: (i: number) => string[]): void {
  const frame = (): number => shown.reduce((n, i) => n + widths[i]! + FRAME_PER_COLUMN, 1);
  while (frame() > width) {
    const candidates = shown.filter((i) => widths[i]! > narrowest[i]!);
    if (candidates.length === 0) return;
    const widest = candidates.reduce((a, b) => (widths[b]! > widths[a]! ? b : a));
    const target = widths[widest]! - 1;
    widths[widest] = Math.max(...texts(widest).flatMap((t) => wrap(t, target)).map(displayWidth));
  }
}

/** A cell's text in `width` columns: wrapped at spaces, words wider than that cut. */
function lay(text: string, width: number): string {
  return wrap(text, width)
    .map((line) => cut(line, width).replaceAll(NO_BREAK, ' '))
    .join('\n');
}
