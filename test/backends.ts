// The backend matrix the unit tests run on: the backends that train in Node
// without a native library. Use `describe.each(BACKENDS)` with `useBackend`.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, expect } from 'vitest';

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

/** Runs `fn` on `backend` with copies of `inputs`; returns its outputs as plain arrays. */
export async function runOn(backend: string, inputs: tf.Tensor[], fn: (...t: tf.Tensor[]) => tf.Tensor[]): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const copies = inputs.map((t) => tf.tensor(t.dataSync(), t.shape, t.dtype));
  const outs = fn(...copies);
  const values = await Promise.all(outs.map(async (o) => (await o.data()) as Float32Array));
  tf.dispose([...copies, ...outs]);
  return values;
}

/** Asserts every element of `actual` is within `tol` (relative, floor 1) of `expected`. */
export function expectAllClose(actual: Float32Array, expected: Float32Array, tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!) / Math.max(1, Math.abs(expected[i]!)));
  }
  expect(worst).toBeLessThan(tol);
}

/**
 * Asserts a second call of `fn` (after a warm-up) changes neither the engine's
 * tensor count nor the backend's count of data buffers: the kernels free
 * every intermediate.
 */
export function expectNoLeaks(fn: () => tf.TensorContainer): void {
  tf.dispose(fn());
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const tensors = tf.memory().numTensors;
  const ids = backend.numDataIds();
  tf.dispose(fn());
  expect(tf.memory().numTensors).toBe(tensors);
  expect(backend.numDataIds()).toBe(ids);
}
