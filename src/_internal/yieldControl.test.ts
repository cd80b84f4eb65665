import { describe, expect, it } from 'vitest';
import { ValueError } from '../errors.js';
import { checkYieldMode, yieldControl } from './yieldControl.js';

describe('yieldControl', () => {
  it("lets a timer run on 'task' and 'frame' (no frames in Node: a task), not on 'none'", async () => {
    for (const mode of ['task', 'frame'] as const) {
      let ran = false;
      setTimeout(() => (ran = true), 0);
      // A timer due now runs within a few turns of the event loop.
      for (let i = 0; i < 20 && !ran; i++) await yieldControl(mode);
      expect(ran, mode).toBe(true);
    }
    let ran = false;
    setTimeout(() => (ran = true), 0);
    for (let i = 0; i < 20; i++) await yieldControl('none');
    expect(ran).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(ran).toBe(true);
  });

  it('checks the option by name', () => {
    expect(checkYieldMode('f', 'options.yieldTo', undefined)).toBe('task');
    expect(checkYieldMode('f', 'options.yieldTo', 'frame')).toBe('frame');
    expect(() => checkYieldMode('f', 'options.yieldTo', 'idle')).toThrow(ValueError);
    expect(() => checkYieldMode('f', 'options.yieldTo', 'idle')).toThrow(/f: invalid `options\.yieldTo`: expected 'task', 'frame' or 'none', received "idle"/);
  });
});
