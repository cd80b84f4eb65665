// The backend matrix the unit tests run on: the backends that train in Node
// without a native library. Use `describe.each(BACKENDS)` with `useBackend`.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll } from 'vitest';

export const BACKENDS = ['cpu', 'wasm'] as const;

/** Switches the suite to `name` before its tests, and back to cpu after. */
export function useBackend(name: string): void {
  beforeAll(async () => {
    if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to start`);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });
}
