import { describe, expect, it } from 'vitest';
import { ValueError } from '../errors.js';
import { checkYieldMode, yieldControl } from './yieldControl.js';

describe('yieldControl', () => {
  // Node runs setTimeout(0) as a 1 ms timer: wait (synchronously) until it is due, so
  // that only the yield decides whether it runs.
  const dueTimer = (): { ran: () => boolean } => {
    let ran = false;
    setTimeout(() => (ran = true), 0);
    const until = Date.now() + 5;
    while (Date.now() < until);
    return { ran: () => ran };
  };

  it("lets a due timer run on 'task' and 'frame' (no frames in Node: a task), not on 'none'", async () => {
    for (const mode of ['task', 'frame'] as const) {
      const timer = dueTimer();
      // A due timer runs within a few turns of the event loop.
      for (let i = 0; i < 20 && !timer.ran(); i++) await yieldControl(mode);
      expect(timer.ran(), mode).toBe(true);
    }
    const timer = dueTimer();
    for (let i = 0; i < 20; i++) await yieldControl('none');
    expect(timer.ran()).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(timer.ran()).toBe(true);
  });

  it('checks the option by name', () => {
    expect(checkYieldMode('f', 'options.yieldTo', undefined)).toBe('task');
    expect(checkYieldMode('f', 'options.yieldTo', 'frame')).toBe('frame');
    expect(() => checkYieldMode('f', 'options.yieldTo', 'idle')).toThrow(ValueError);
    expect(() => checkYieldMode('f', 'options.yieldTo', 'idle')).toThrow(/f: invalid `options\.yieldTo`: expected 'task', 'frame' or 'none', received "idle"/);
  });
});
