import type { TcpState } from './tcp-state.js';

/**
 * One change of an endpoint's state. `inferred` marks changes caused by receiving a
 * segment: the tap saw the segment, the endpoint presumably got it just after, so the
 * step is placed at the frame where the tap saw it (teardown.md, "Roles and states").
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
 * An endpoint's state and the history of how it got there. The steps are held column
 * by column in arrays the endpoint keeps when it is used again (see Tracker), and made
 * into Step objects only when asked (a report): a step object per state change, kept
 * for the connection's lifetime, outlived young-generation collections and was copied
 * out to the old generation (~10 objects and their boxed times per connection; measured
 * as a tenth of tracking's collection time on the bench's mixed capture).
 */
export class Timeline {
  /** Steps recorded; the arrays beyond it hold an earlier connection's leftovers. */
  length = 0;
  private readonly times: number[] = [];
  /** 0 for a step without a frame (frames are numbered from 1). */
  private readonly frames: number[] = [];
  private readonly states: TcpState[] = [];
  private readonly causes: string[] = [];
  private readonly inferred: boolean[] = [];

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
    this.times[i] = time;
    this.frames[i] = frame ?? 0;
    this.states[i] = to;
    this.causes[i] = cause;
    this.inferred[i] = inferred;
    this.state = to;
  }

  /** The steps as objects of their own (the caller may keep them). */
  get steps(): Step[] {
    const steps: Step[] = [];
    for (let i = 0; i < this.length; i++) {
      const frame = this.frames[i]!;
      steps.push({ time: this.times[i]!, frame: frame === 0 ? null : frame, state: this.states[i]!, cause: this.causes[i]!, inferred: this.inferred[i]! });
    }
    return steps;
  }

  /** Whether some step entered `state`. */
  reached(state: TcpState): boolean {
    for (let i = 0; i < this.length; i++) if (this.states[i] === state) return true;
    return false;
  }

  /** Frame of the latest step, so an inferred step is never placed before it. */
  get lastFrame(): number {
    for (let i = this.length - 1; i >= 0; i--) {
      const f = this.frames[i]!;
      if (f !== 0) return f;
    }
    return 0;
  }

  get lastTime(): number {
    return this.length === 0 ? 0 : this.times[this.length - 1]!;
  }
}
