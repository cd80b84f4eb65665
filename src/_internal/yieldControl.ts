/**
 * Handing control back to the event loop between the steps of a long call
 * (a training loop, a generator), so that timers, UI, I/O and an outside
 * `AbortSignal` get their turn. An `await` of a resolved promise is not
 * enough: it runs as a microtask, before any timer or event.
 */
import { invalidField } from './errors.js';

/**
 * Where a long-running call yields between steps: `'task'` (the default) to
 * the event loop, so timers, I/O and aborts run; `'frame'` to the next
 * animation frame in a browser (a page repaints between steps; outside a
 * browser it behaves as `'task'`; a hidden tab gets no frames, so the call
 * waits until the tab is shown); `'none'` never (fastest, but nothing else
 * runs until the call ends).
 *
 * @example
 * ```ts
 * import type { YieldMode } from 'tfjs-generative/training';
 * const mode: YieldMode = 'frame';
 * console.log(mode); // frame
 * ```
 *
 * @category Training
 */
export type YieldMode = 'task' | 'frame' | 'none';

const MODES: readonly YieldMode[] = ['task', 'frame', 'none'];

/** Checks a `yieldTo` option; `undefined` means `'task'`. @hidden */
export function checkYieldMode(fn: string, field: string, value: unknown): YieldMode {
  if (value === undefined) return 'task';
  if (typeof value !== 'string' || !(MODES as readonly string[]).includes(value)) {
    throw invalidField(fn, field, "'task', 'frame' or 'none'", value);
  }
  return value as YieldMode;
}

interface SchedulerLike {
  yield?: () => Promise<void>;
}

/** One macrotask: `scheduler.yield` where it exists, else `setImmediate`, else a MessageChannel message, else `setTimeout(0)`. */
function nextTask(): Promise<void> {
  const g = globalThis as {
    scheduler?: SchedulerLike;
    setImmediate?: (callback: () => void) => unknown;
    MessageChannel?: typeof MessageChannel;
  };
  if (typeof g.scheduler?.yield === 'function') return g.scheduler.yield();
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return new Promise((resolve) => setImmediate(resolve));
  }
  if (typeof g.MessageChannel === 'function') {
    const channel = new g.MessageChannel();
    return new Promise((resolve) => {
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Yields as `mode` says (see {@link YieldMode}); resolves at once for
 * `'none'`.
 * @hidden
 */
export function yieldControl(mode: YieldMode): Promise<void> {
  if (mode === 'none') return Promise.resolve();
  const raf = (globalThis as { requestAnimationFrame?: (callback: () => void) => number }).requestAnimationFrame;
  if (mode === 'frame' && typeof raf === 'function') {
    return new Promise((resolve) => raf(() => resolve()));
  }
  return nextTask();
}
