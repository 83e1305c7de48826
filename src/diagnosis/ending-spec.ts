import { DETAIL_PATTERNS, DETAILS, ENDINGS, type Detail, type Ending } from './types.js';

/**
 * An ending, optionally narrowed to a detail, as users write it: `reset`, `reset:abort`,
 * `timeout/connect`, `graceful:three-segment-close`. One grammar for `analyze --ending`,
 * the library's filter and `assert`'s expectations.
 */
export interface EndingSpec {
  ending: Ending;
  /** In its written form, hyphens for spaces (`three-segment-close`), or null for any. */
  detail: string | null;
}

/** An ending or detail no connection can have: refused, so it cannot match nothing quietly. */
export class EndingSpecError extends Error {}

/**
 * Details are written with hyphens for spaces, so that `graceful:three-segment-close`
 * stays one word of a command line or an expectation while the diagnosis says
 * `three-segment close`.
 */
const written = (detail: string): string => detail.replace(/ /g, '-');

/** A detail family as users write it: `^code-\d+$` → `code-N`. */
const patternWord = (pattern: RegExp): string => pattern.source.replace(/^\^|\$$/g, '').replace(/\\d\+/g, 'N');

/** `text` parsed; throws EndingSpecError for an unknown ending, or a detail its ending never carries. */
export function parseEndingSpec(text: string): EndingSpec {
  const [, ending, detail] = /^([^:/]*)(?:[:/](.*))?$/.exec(text)!;
  if (!(ENDINGS as readonly string[]).includes(ending!)) throw new EndingSpecError(`unknown ending ${ending} (one of ${ENDINGS.join(', ')})`);
  const spec: EndingSpec = { ending: ending as Ending, detail: detail === undefined ? null : written(detail) };
  // A detail the ending never carries would match nothing, and `no reset:aborted` pass
  // on a capture full of aborts: refuse it, as an unknown ending is refused.
  if (spec.detail !== null) {
    const pattern = DETAIL_PATTERNS[spec.ending];
    const known = DETAILS[spec.ending].map(written);
    if (!known.includes(spec.detail) && pattern?.test(spec.detail) !== true) {
      const valid = pattern === undefined ? known : [...known, patternWord(pattern)];
      const what = valid.length === 0 ? `${spec.ending} carries no detail` : `one of ${valid.join(', ')}`;
      throw new EndingSpecError(`unknown detail ${detail === '' ? '(empty)' : detail} of ${spec.ending} (${what})`);
    }
  }
  return spec;
}

/** Whether a connection's ending (and detail, when the spec names one) is the spec's. */
export function fitsSpec(c: { ending: Ending; detail: Detail | null }, spec: EndingSpec): boolean {
  return c.ending === spec.ending && (spec.detail === null || written(c.detail ?? '') === spec.detail);
}

/** The spec as users write it: `reset`, `reset:abort`. */
export const specText = (spec: EndingSpec): string => (spec.detail === null ? spec.ending : `${spec.ending}:${spec.detail}`);
