/** The default key: an item that is a number or a string is its own key (made once, not per call). */
const itself = <T>(x: T): T => x;

/**
 * Puts `item` in its place in the ascending `list` and keeps only the `limit` smallest
 * (0: all). For what reports keep of connections that arrive in any order (the first
 * streams), and small sorted lists; items come mostly in ascending order, so the place
 * is looked for from the end.
 */
export function keepSmallest<T, K extends number | string = T & (number | string)>(list: T[], item: T, limit: number, key: (x: T) => K = itself as (x: T) => K): void {
  const k = key(item);
  if (!wouldKeep(list, k, limit, key)) return;
  let i = list.length;
  list.push(item);
  for (; i > 0 && key(list[i - 1]!) > k; i--) list[i] = list[i - 1]!;
  list[i] = item;
  if (limit > 0 && list.length > limit) list.pop();
}

/** Whether keepSmallest would keep an item of key `k`: so that one costly to make is made only then. */
export function wouldKeep<T, K extends number | string>(list: readonly T[], k: K, limit: number, key: (x: T) => K): boolean {
  return limit === 0 || list.length < limit || key(list[list.length - 1]!) > k;
}
