import { keepSmallest } from './keep-smallest.js';

/**
 * `items` without repeats, sorted (numbers numerically, strings by code unit). Reports
 * call it for every connection on arrays of a few entries (evidence frames, flags):
 * those are sorted in place by insertion, without the Set and the sort whose scratch
 * allocations stood out in V8's sampling heap profile of `analyze`.
 */
export function sortedUnique<T extends number | string>(items: readonly T[]): T[] {
  if (items.length > SMALL) {
    const unique = [...new Set(items)];
    return typeof unique[0] === 'number' ? unique.sort((a, b) => (a as number) - (b as number)) : unique.sort();
  }
  const out: T[] = [];
  for (const item of items) if (!out.includes(item)) keepSmallest(out, item, 0);
  return out;
}

const SMALL = 16;
