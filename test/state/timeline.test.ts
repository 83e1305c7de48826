import { describe, expect, it } from 'vitest';
import { Timeline } from '../../src/state/timeline.js';
import { seqGe, seqGt, seqLe, seqLt } from '../../src/state/seq.js';

describe('Timeline', () => {
  it('records a step per change of state, the first one always', () => {
    const t = new Timeline('ESTABLISHED');
    t.setState('ESTABLISHED', 10, 1, 'seen mid-stream', true);
    t.setState('ESTABLISHED', 11, 2, 'again', true);
    t.setState('FIN-WAIT-1', 12, 3, 'sent FIN', false);
    expect(t.steps).toEqual([
      { time: 10, frame: 1, state: 'ESTABLISHED', cause: 'seen mid-stream', inferred: true },
      { time: 12, frame: 3, state: 'FIN-WAIT-1', cause: 'sent FIN', inferred: false },
    ]);
    expect(t.state).toBe('FIN-WAIT-1');
  });

  it('keeps every step of a long history, a timer step without a frame', () => {
    const t = new Timeline('CLOSED');
    const states = ['SYN-SENT', 'ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSED', 'SYN-SENT', 'CLOSED'] as const;
    states.forEach((s, i) => t.setState(s, 100 + i, i === 5 ? null : i + 1, `step ${i}`, i % 2 === 0));
    expect(t.steps.map((s) => [s.frame, s.state, s.cause, s.inferred])).toEqual(states.map((s, i) => [i === 5 ? null : i + 1, s, `step ${i}`, i % 2 === 0]));
    expect(t.lastTime).toBe(107);
  });

  it('knows whether a state was reached, and the latest frame, even when the latest step had none', () => {
    const t = new Timeline('ESTABLISHED');
    expect([t.reached('ESTABLISHED'), t.lastFrame, t.lastTime]).toEqual([false, 0, 0]);
    t.setState('TIME-WAIT', 5, 7, 'received FIN', true);
    t.setState('CLOSED', 65, null, 'TIME-WAIT expired', true);
    expect([t.reached('TIME-WAIT'), t.reached('CLOSED'), t.reached('ESTABLISHED')]).toEqual([true, true, false]);
    expect([t.lastFrame, t.lastTime]).toEqual([7, 65]);
  });

  it('started over, forgets the steps of the connection it held before', () => {
    const t = new Timeline('LISTEN');
    t.setState('SYN-RECEIVED', 1, 1, 'received SYN', true);
    t.setState('ESTABLISHED', 2, 2, 'received ACK of our SYN', true);
    t.setState('CLOSE-WAIT', 3, 3, 'received FIN', true);
    t.restart('LISTEN');
    expect([t.steps, t.lastFrame, t.lastTime, t.reached('SYN-RECEIVED')]).toEqual([[], 0, 0, false]);
    t.setState('SYN-RECEIVED', 9, 9, 'received SYN', true);
    expect([t.reached('ESTABLISHED'), t.reached('CLOSE-WAIT'), t.steps.length]).toEqual([false, false, 1]);
  });
});

describe('sequence numbers compare modulo 2^32 (RFC 9293 3.4)', () => {
  it('across the wrap', () => {
    const before = 0x7ffffff0 | 0;
    const after = (0x7ffffff0 + 0x20) | 0; // wrapped past 2^31 in int32 form
    expect([seqLt(before, after), seqLe(before, after), seqGt(before, after), seqGe(before, after)]).toEqual([true, true, false, false]);
    expect([seqLt(after, before), seqLe(after, before), seqGt(after, before), seqGe(after, before)]).toEqual([false, false, true, true]);
    expect([seqLt(5, 5), seqLe(5, 5), seqGt(5, 5), seqGe(5, 5)]).toEqual([false, true, false, true]);
  });
});
