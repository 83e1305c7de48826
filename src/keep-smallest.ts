/** The default key: a list of numbers is its own key (made once, not per call). */
const itself = (x: number): number => x;

/**
 * Puts `item` in its place in the ascending `list` and keeps only the `limit` smallest
 * (0: all). For what reports keep of connections that arrive in any order (the first
 * streams); they come mostly in ascending order, so the place is looked for from the end.
 */
export function keepSmallest<T>(list: T[], item: T, limit: number, key: (x: T) => number = itself as (x: T) => number): void {
  const k = key(item);
  if (limit > 0 && list.length >= limit && key(list[list.length - 1]!) <= k) return;
  let i = list.length;
  list.push(item);
  for (; i > 0 && key(list[i - 1]!) > k; i--) list[i] = list[i - 1]!;
  list[i] = item;
  if (limit > 0 && list.length > limit) list.pop();
}
