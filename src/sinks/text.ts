/**
 * Text laid out in columns of a terminal: measuring, cutting and wrapping. The width
 * to fit comes from the caller (cli/terminal.ts knows the terminal's).
 */

/** Joins words that a wrap must keep on one line (shown as a space). */
export const NO_BREAK = '\u00a0';

/**
 * Columns a string takes in a terminal. Our text is ASCII plus box drawing, arrows and
 * block elements, one column each; counted by code point so none is split in two.
 */
export function displayWidth(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** `text` cut to `width` columns, ending in "…" when something was cut. */
export function cut(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 0) return '';
  return [...text].slice(0, width - 1).join('') + '…';
}

/**
 * `text` broken into lines of at most `width` columns at spaces (a word longer than a
 * line is broken where it must), existing line breaks kept. `indent` starts every line
 * after the first. A width of null: the text as it is.
 */
export function wrap(text: string, width: number | null, indent = ''): string[] {
  if (width === null) return text.split('\n');
  const lines: string[] = [];
  // The first line has the whole width; the others lose the indent.
  const cap = (): number => (lines.length === 0 ? width : Math.max(1, width - displayWidth(indent)));
  for (const paragraph of text.split('\n')) {
    // A paragraph's own leading spaces stay at the start of its first line.
    const lead = /^ */.exec(paragraph)![0];
    let line = lead;
    for (const word of paragraph.slice(lead.length).split(' ')) {
      if (line === lead) line += word;
      else if (displayWidth(line) + 1 + displayWidth(word) <= cap()) line += ` ${word}`;
      else {
        lines.push(line);
        line = word;
      }
      // A word wider than a whole line is broken where it must be.
      while (displayWidth(line) > cap()) {
        const chars = [...line];
        const fit = cap();
        lines.push(chars.slice(0, fit).join(''));
        line = chars.slice(fit).join('');
      }
    }
    lines.push(line);
  }
  return lines.map((l, i) => (i === 0 ? l : indent + l));
}

/**
 * The largest of `values`, or `floor` when there are none or all are smaller. A loop,
 * not Math.max(...values): spreading a long list (a table of every connection, a
 * ladder of every segment) overflows the call stack.
 */
export function largest(values: Iterable<number>, floor = 0): number {
  let most = floor;
  for (const v of values) if (v > most) most = v;
  return most;
}

/** Columns the widest piece of `texts` takes, split at `by` (lines, or words). */
export function widest(texts: Iterable<string>, by: RegExp = /\n/): number {
  let most = 0;
  for (const text of texts) for (const piece of text.split(by)) most = Math.max(most, displayWidth(piece));
  return most;
}
