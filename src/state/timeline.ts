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

/** An endpoint's state and the history of how it got there. */
export class Timeline {
  steps: Step[] = [];

  constructor(public state: TcpState) {}

  /**
   * Starts over in `state`, for an endpoint object used again. The old steps array is
   * left to whoever took it (reports take it over rather than copy it).
   */
  restart(state: TcpState): void {
    this.steps = [];
    this.state = state;
  }

  /**
   * The one way a state changes: records the step and moves the state. A step that
   * would change nothing is not recorded.
   */
  setState(to: TcpState, time: number, frame: number | null, cause: string, inferred: boolean): void {
    if (to === this.state && this.steps.length > 0) return;
    this.steps.push({ time, frame, state: to, cause, inferred });
    this.state = to;
  }

  /** Frame of the latest step, so an inferred step is never placed before it. */
  get lastFrame(): number {
    for (let i = this.steps.length - 1; i >= 0; i--) {
      const f = this.steps[i]!.frame;
      if (f !== null) return f;
    }
    return 0;
  }

  get lastTime(): number {
    return this.steps.at(-1)?.time ?? 0;
  }
}
