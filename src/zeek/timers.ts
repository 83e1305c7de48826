/**
 * Zeek's timer manager as far as connections use it (src/Timer.cc, PQ_TimerMgr): one
 * priority queue of timers ordered by time. Before each packet Zeek advances network time
 * to the packet's time (never backwards: RunState.cc dispatch_packet) and dispatches every
 * timer whose time is <= it (PQ_TimerMgr::DoAdvance), handing each the network time, not
 * its own. At the end of input it dispatches all that remain "as expiring"
 * (PQ_TimerMgr::Expire), where only timers made with do_expire run their function.
 *
 * Ties: Zeek's heap does not order timers of equal time; here they run in the order they
 * were added (a documented choice, stable from run to run). max_timer_expires is taken as
 * unlimited (the baselines were made that way; Zeek's default of 300 a packet only matters
 * under a flood of timers).
 *
 * Cancelled timers leave the heap at once (Zeek's timer_mgr->Cancel removes them too), so
 * the heap holds only live timers of live connections.
 */
export const TIMER_EXPIRE = 0;
export const TIMER_ATTEMPT = 1;
export const TIMER_RESET = 2;
export const TIMER_CONN_DELETE = 3;
export const TIMER_INACTIVITY = 4;

/** What runs a timer: the connection that owns it. */
export interface TimerOwner {
  dispatchTimer(timer: ZeekTimer, t: number, isExpire: boolean): void;
}

export class ZeekTimer {
  heapIndex = -1;
  constructor(
    readonly time: number,
    readonly seq: number,
    readonly kind: number,
    /** Zeek's do_expire: run also when Zeek expires all timers at the end. */
    readonly doExpire: boolean,
    readonly owner: TimerOwner,
  ) {}
}

export class TimerQueue {
  private readonly heap: ZeekTimer[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.heap.length;
  }

  add(time: number, kind: number, doExpire: boolean, owner: TimerOwner): ZeekTimer {
    const timer = new ZeekTimer(time, this.nextSeq++, kind, doExpire, owner);
    timer.heapIndex = this.heap.length;
    this.heap.push(timer);
    this.up(timer.heapIndex);
    return timer;
  }

  /** Takes a timer out (Zeek's Cancel); no-op if it already left. */
  remove(timer: ZeekTimer): void {
    const i = timer.heapIndex;
    if (i < 0) return;
    const last = this.heap.pop()!;
    timer.heapIndex = -1;
    if (last === timer) return;
    this.heap[i] = last;
    last.heapIndex = i;
    this.down(i);
    this.up(last.heapIndex);
  }

  peek(): ZeekTimer | undefined {
    return this.heap[0];
  }

  pop(): ZeekTimer | undefined {
    const top = this.heap[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  private less(a: ZeekTimer, b: ZeekTimer): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private up(i: number): void {
    const h = this.heap;
    const x = h[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p]!;
      if (!this.less(x, parent)) break;
      h[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    h[i] = x;
    x.heapIndex = i;
  }

  private down(i: number): void {
    const h = this.heap;
    const n = h.length;
    const x = h[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(h[c + 1]!, h[c]!)) c++;
      const child = h[c]!;
      if (!this.less(child, x)) break;
      h[i] = child;
      child.heapIndex = i;
      i = c;
    }
    h[i] = x;
    x.heapIndex = i;
  }
}
