import { cut, displayWidth, largest, NO_BREAK, widest, wrap } from './text.js';

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
 * minimum, then moves under its row; cells wrap at spaces (cells join what must stay
 * together with NO_BREAK) down to their longest word; columns are dropped by rank; at
 * last, in a terminal too narrow for that, the widest columns narrow further and break
 * words, and any line still too long is cut with "…". Each step keeps more of what a
 * person reads a row for than the next.
 */
export function fitTable(columns: readonly Column[], rows: readonly string[][], width: number | null, colour: boolean): string {
  const texts = (i: number): string[] => [columns[i]!.head, ...rows.map((r) => r[i]!)];
  const natural = columns.map((_, i) => widest(texts(i)));
  // The narrowest a column gets without cutting: its longest word.
  const narrowest = columns.map((_, i) => widest(texts(i), /[\n ]/));
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

  const draw = new Box(shown.map((i) => widths[i]!), colour);
  const lines = [draw.rule('top', 'open'), ...draw.row(shown.map((i) => lay(columns[i]!.head, widths[i]!)), true)];
  let after: 'open' | 'span' = 'open';
  for (const row of rows) {
    lines.push(draw.rule('middle', after), ...draw.row(shown.map((i) => lay(row[i]!, widths[i]!)), false));
    after = 'open';
    if (under !== null && row[under] !== '') {
      lines.push(draw.rule('middle', 'closing'), ...draw.span(lay(row[under]!, draw.inside)));
      after = 'span';
    }
  }
  lines.push(draw.rule('bottom', after));
  // A terminal too narrow for even one column per cell: each line is cut to it (and
  // loses its colour, whose codes take no columns but would be cut as text).
  return (width === null ? lines : lines.map((l) => fitLine(l, width))).join('\n');
}

/**
 * Box drawing for a table whose cells are laid out already (each line no wider than its
 * column). Drawn here rather than by cli-table3, which measured every cell's whole text
 * once per line it drew: a table of a thousand wrapped rows took half a minute.
 */
class Box {
  /** Columns inside the borders, for a line across the whole table. */
  readonly inside: number;

  constructor(
    private readonly widths: readonly number[],
    private readonly colour: boolean,
  ) {
    this.inside = widths.reduce((n, w) => n + w + FRAME_PER_COLUMN, 1) - 4;
  }

  /**
   * A horizontal rule. `joins` says how the columns meet it: 'open' below a row of
   * columns or above one, 'closing' where the columns end above a full-width line,
   * 'span' below such a line where columns start again.
   */
  rule(at: 'top' | 'middle' | 'bottom', joins: 'open' | 'closing' | 'span'): string {
    const [left, right] = at === 'top' ? ['┌', '┐'] : at === 'bottom' ? ['└', '┘'] : ['├', '┤'];
    const cross = at === 'top' ? '┬' : at === 'bottom' ? (joins === 'span' ? '─' : '┴') : joins === 'open' ? '┼' : joins === 'closing' ? '┴' : '┬';
    return this.border(left + this.widths.map((w) => '─'.repeat(w + 2)).join(cross) + right);
  }

  /** A row of cells, as many lines as its tallest cell. */
  row(cells: readonly string[], head: boolean): string[] {
    const split = cells.map((c) => c.split('\n'));
    const height = largest(split.map((l) => l.length), 1);
    const lines: string[] = [];
    for (let i = 0; i < height; i++) {
      const parts = split.map((l, c) => {
        const text = ` ${pad(l[i] ?? '', this.widths[c]!)} `;
        return head && this.colour ? `\x1b[36m${text}\x1b[39m` : text;
      });
      lines.push(this.border('│') + parts.join(this.border('│')) + this.border('│'));
    }
    return lines;
  }

  /** A line of text across the whole table. */
  span(text: string): string[] {
    return text.split('\n').map((l) => `${this.border('│')} ${pad(l, this.inside)} ${this.border('│')}`);
  }

  private border(s: string): string {
    return this.colour ? `\x1b[90m${s}\x1b[39m` : s;
  }
}

/** A coloured line as it is, if it fits; else its text cut to `width`. */
function fitLine(line: string, width: number): string {
  const text = line.replace(/\x1b\[[0-9;]*m/g, '');
  return displayWidth(text) <= width ? line : cut(text, width);
}

const pad = (s: string, n: number): string => s + ' '.repeat(Math.max(0, n - displayWidth(s)));

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
    const column = candidates.reduce((a, b) => (widths[b]! > widths[a]! ? b : a));
    const target = widths[column]! - 1;
    widths[column] = largest(texts(column).map((t) => widest(wrap(t, target))));
  }
}

/** A cell's text in `width` columns: wrapped at spaces, words wider than that broken. */
function lay(text: string, width: number): string {
  return wrap(text, width)
    .map((line) => cut(line, width).replaceAll(NO_BREAK, ' '))
    .join('\n');
}
