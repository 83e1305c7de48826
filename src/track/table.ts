import type { AddressWords } from '../decode/address.js';
import type { TunnelChain } from '../decode/tunnel.js';

/**
 * What the table stores: a connection or the tombstone of a reported one, keyed by its
 * 4-tuple in either direction, and linked into one of the activity lists.
 */
export interface TableEntry {
  version: 4 | 6;
  readonly addr: [AddressWords, AddressWords];
  readonly port: [number, number];
  /** The tunnels it rides in (decode/tunnel.ts), or null: part of its key. */
  tunnel: TunnelChain | null;
  hash: number;
  /** Last activity, seconds since the epoch. */
  end: number;
  prev: TableEntry | null;
  next: TableEntry | null;
  list: ListId;
}

/**
 * Live connections, closed ones waiting out a quiet period, tombstones, and closed
 * connections whose roles are still guessed, held for a later SYN on their ports.
 */
export type ListId = 0 | 1 | 2 | 3;
export const LIVE: ListId = 0;
export const CLOSED: ListId = 1;
export const TOMBSTONES: ListId = 2;
export const HELD: ListId = 3;

function mixEndpoint(words: ArrayLike<number>, port: number): number {
  let h = Math.imul(port ^ 0x9e3779b9, 0x85ebca6b);
  for (let i = 0; i < 4; i++) {
    h = Math.imul(h ^ words[i]!, 0xcc9e2d51);
    h ^= h >>> 15;
  }
  return h;
}

/**
 * Same value for both directions of a 4-tuple (the two endpoint hashes are added), and
 * for the same 4-tuple in another tunnel (`tunnel`: its chain's id, 0 for none) another.
 * An int32 on purpose, like sequence numbers (state/seq.ts): it is only masked and
 * compared, and an unsigned result above 2^31 would be boxed when the call is not
 * inlined (seen as garbage per packet).
 */
export function flowHash(version: number, src: ArrayLike<number>, srcPort: number, dst: ArrayLike<number>, dstPort: number, tunnel = 0): number {
  let h = (mixEndpoint(src, srcPort) + mixEndpoint(dst, dstPort) + version + Math.imul(tunnel, 0x27d4eb2d)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}

/** Which endpoint of `e` (0: the first packet's sender) sent from `src`:`srcPort`. */
export function sideOf(e: TableEntry, src: AddressWords, srcPort: number): 0 | 1 {
  return sameEndpoint(e.addr[0], e.port[0], src, srcPort) ? 0 : 1;
}

function sameEndpoint(words: AddressWords, port: number, w: ArrayLike<number>, p: number): boolean {
  return port === p && words[3] === w[3] && words[2] === w[2] && words[1] === w[1] && words[0] === w[0];
}

/**
 * Open-addressing hash table (linear probing, backward-shift deletion) from 4-tuple to
 * entry. A lookup hashes the decoded header's numbers and compares them in place: it
 * allocates nothing. Three intrusive lists order entries by last activity, so eviction
 * looks only at the oldest of each kind.
 */
export class ConnectionTable<E extends TableEntry> {
  private slots: (E | undefined)[] = new Array<E | undefined>(1024);
  private mask = 1023;
  size = 0;
  private readonly heads: (E | null)[] = [null, null, null, null];
  private readonly tails: (E | null)[] = [null, null, null, null];
  readonly counts = [0, 0, 0, 0];

  find(hash: number, version: number, src: ArrayLike<number>, srcPort: number, dst: ArrayLike<number>, dstPort: number, tunnel: TunnelChain | null): E | undefined {
    for (let i = hash & this.mask; ; i = (i + 1) & this.mask) {
      const e = this.slots[i];
      if (e === undefined) return undefined;
      if (e.hash !== hash || e.version !== version || e.tunnel !== tunnel) continue;
      if (sameEndpoint(e.addr[0], e.port[0], src, srcPort) && sameEndpoint(e.addr[1], e.port[1], dst, dstPort)) return e;
      if (sameEndpoint(e.addr[1], e.port[1], src, srcPort) && sameEndpoint(e.addr[0], e.port[0], dst, dstPort)) return e;
    }
  }

  /** Adds `e` (whose 4-tuple is not in the table) to the table and to `list`. */
  insert(e: E, list: ListId): void {
    if ((this.size + 1) * 2 > this.slots.length) this.grow();
    let i = e.hash & this.mask;
    while (this.slots[i] !== undefined) i = (i + 1) & this.mask;
    this.slots[i] = e;
    this.size++;
    this.append(e, list);
  }

  /** Puts `replacement` (same 4-tuple) where `old` was, in `list`. */
  replace(old: E, replacement: E, list: ListId): void {
    for (let i = old.hash & this.mask; ; i = (i + 1) & this.mask) {
      if (this.slots[i] === old) {
        this.slots[i] = replacement;
        this.unlink(old);
        this.append(replacement, list);
        return;
      }
    }
  }

  remove(e: E): void {
    let i = e.hash & this.mask;
    while (this.slots[i] !== e) i = (i + 1) & this.mask;
    this.unlink(e);
    this.size--;
    // Backward-shift deletion: pull later entries of the probe run into the hole.
    let hole = i;
    for (let j = (i + 1) & this.mask; ; j = (j + 1) & this.mask) {
      const f = this.slots[j];
      if (f === undefined) break;
      const home = f.hash & this.mask;
      const distanceToHole = (hole - home) & this.mask;
      const distanceToHere = (j - home) & this.mask;
      if (distanceToHole <= distanceToHere) {
        this.slots[hole] = f;
        hole = j;
      }
    }
    this.slots[hole] = undefined;
  }

  /** Marks `e` active now: it moves to the tail of `list`. */
  touch(e: E, list: ListId): void {
    if (e.list === list && this.tails[list] === e) return;
    this.unlink(e);
    this.append(e, list);
  }

  oldest(list: ListId): E | null {
    return this.heads[list]!;
  }

  /** Every entry, in no particular order. */
  *entries(): IterableIterator<E> {
    for (const e of this.slots) if (e !== undefined) yield e;
  }

  private append(e: E, list: ListId): void {
    e.list = list;
    e.prev = this.tails[list]!;
    e.next = null;
    if (e.prev !== null) e.prev.next = e;
    else this.heads[list] = e;
    this.tails[list] = e;
    this.counts[list]!++;
  }

  private unlink(e: E): void {
    const list = e.list;
    if (e.prev !== null) e.prev.next = e.next;
    else this.heads[list] = e.next as E | null;
    if (e.next !== null) e.next.prev = e.prev;
    else this.tails[list] = e.prev as E | null;
    e.prev = e.next = null;
    this.counts[list]!--;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Array<E | undefined>(old.length * 2);
    this.mask = this.slots.length - 1;
    for (const e of old) {
      if (e === undefined) continue;
      let i = e.hash & this.mask;
      while (this.slots[i] !== undefined) i = (i + 1) & this.mask;
      this.slots[i] = e;
    }
  }
}
