import { TCP_STATES, type TcpState } from './tcp-state.js';

/**
 * One change of an endpoint's state. `inferred` marks changes caused by receiving a
 * segment: the tap saw the segment, the endpoint presumably got it just after, so the
 * step is placed at the frame where the tap saw it (docs/endings.md, "Roles and states").
 * Timer-driven changes (TIME-WAIT expiring) have no frame.
 */
export interface Step {
  /** Seconds since the epoch. */
  time: number;
  frame: number | null;
  state: TcpState;
  /** Short and specific: "sent FIN", "received ACK of our FIN", "received RST". */
  cause: string;
  inferred: boolean;
}

/**
 * An endpoint's state and the history of how it got there. The steps are held as
 * numbers (time, frame, state and inferred packed in one) and cause strings, in two
 * arrays the endpoint keeps when it is used again (see Tracker), and made into Step
 * objects only when asked (a report): a step object per state change, kept for the
 * connection's lifetime, outlived young-generation collections and was copied out to
 * the old generation (some ten objects and their boxed times per connection). The
 * arrays are made at the first step, room for STEPS_AT_FIRST steps, so a SYN flood's
 * connections (one step, a listener with none) cost no more than step objects did
 * (measured per connection: see test/bench/connection-heap.ts).
 */
export class Timeline {
  /** Steps recorded; the arrays beyond it hold an earlier connection's leftovers. */
  length = 0;
  /** NUMBERS_PER_STEP per step: time, frame (0: none, frames count from 1), state index × 2 + inferred. */
  private numbers: number[] | null = null;
  private causes: string[] | null = null;

  constructor(public state: TcpState) {}

  /** Starts over in `state`, for an endpoint object used again. */
  restart(state: TcpState): void {
    this.length = 0;
    this.state = state;
  }

  /**
   * The one way a state changes: records the step and moves the state. A step that
   * would change nothing is not recorded.
   */
  setState(to: TcpState, time: number, frame: number | null, cause: string, inferred: boolean): void {
    if (to === this.state && this.length > 0) return;
    const i = this.length++;
    const code = TCP_STATES.indexOf(to) * 2 + (inferred ? 1 : 0);
    if (this.numbers === null || this.causes === null) {
      // Literals of the first size wanted: an empty array's first push reserves 17 slots.
      this.numbers = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
      this.causes = ['', '', '', '', '', ''];
    }
    const n = this.numbers;
    const at = i * NUMBERS_PER_STEP;
    if (at < n.length) {
      n[at] = time;
      n[at + 1] = frame ?? 0;
      n[at + 2] = code;
    } else n.push(time, frame ?? 0, code);
    if (i < this.causes.length) this.causes[i] = cause;
    else this.causes.push(cause);
    this.state = to;
  }

  /** The steps as objects of their own (the caller may keep them). */
  get steps(): Step[] {
    const steps: Step[] = [];
    const n = this.numbers;
    const causes = this.causes;
    if (n === null || causes === null) return steps;
    for (let i = 0; i < this.length; i++) {
      const at = i * NUMBERS_PER_STEP;
      const frame = n[at + 1]!;
      const code = n[at + 2]!;
      steps.push({ time: n[at]!, frame: frame === 0 ? null : frame, state: TCP_STATES[code >> 1]!, cause: causes[i]!, inferred: (code & 1) === 1 });
    }
    return steps;
  }

  /** Whether some step entered `state`. */
  reached(state: TcpState): boolean {
    const n = this.numbers;
    if (n === null) return false;
    const code = TCP_STATES.indexOf(state);
    for (let i = 0; i < this.length; i++) if (n[i * NUMBERS_PER_STEP + 2]! >> 1 === code) return true;
    return false;
  }

  /** Frame of the latest step, so an inferred step is never placed before it. */
  get lastFrame(): number {
    const n = this.numbers;
    if (n === null) return 0;
    for (let i = this.length - 1; i >= 0; i--) {
      const f = n[i * NUMBERS_PER_STEP + 1]!;
      if (f !== 0) return f;
    }
    return 0;
  }

  get lastTime(): number {
    return this.length === 0 || this.numbers === null ? 0 : this.numbers[(this.length - 1) * NUMBERS_PER_STEP]!;
  }
}

const NUMBERS_PER_STEP = 3;
