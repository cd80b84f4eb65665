// registerWasmKernels' BatchMatMul and Sum against the cpu backend: every transpose
// combination, batched and broadcast batches, odd sizes, the folded path
// (batched left, shared right), tiny slices left to the backend, and gradients.
//
// Legend: B batch, M×K left, K×N right.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectNoLeaks, runOn, useBackend } from './backends.js';
import { registerWasmKernels } from '../src/wasm/registerWasmKernels.js';

// Before any suite starts the backend, so that it runs its threaded build (the default).
registerWasmKernels();

interface Case { a: number[]; b: number[]; ta: boolean; tb: boolean }
const CASES: Case[] = [];
for (const [a, b] of [
  [[37, 19], [19, 23]], // plain 2-D
  [[3, 37, 19], [3, 19, 23]], // batched
  [[2, 3, 33, 17], [2, 3, 17, 9]], // rank 4 (attention)
  [[5, 40, 31], [31, 7]], // batched left, shared right: folded into one product
  [[5, 40, 31], [1, 31, 7]], // the same with an explicit batch of 1
  [[1, 40, 31], [4, 31, 29]], // shared left, batched right
  [[6, 3, 4], [6, 4, 5]], // slices too small for XNNPACK: left to the backend
  [[1, 1], [1, 1]],
] as const) {
  for (const ta of [false, true]) {
    for (const tb of [false, true]) {
      const swap = (s: readonly number[], t: boolean) => (t ? [...s.slice(0, -2), s[s.length - 1]!, s[s.length - 2]!] : [...s]);
      CASES.push({ a: swap(a, ta), b: swap(b, tb), ta, tb });
    }
  }
}

describe('registerWasmKernels BatchMatMul', () => {
  useBackend('wasm');

  it.each(CASES)('matches cpu, values and gradients: a $a (transposed $ta) · b $b (transposed $tb)', async ({ a, b, ta, tb }) => {
    registerWasmKernels();
    const x = tf.randomNormal(a, 0, 1, 'float32', 21);
    const y = tf.randomNormal(b, 0, 1, 'float32', 22);
    // tfjs-core's BatchMatMul gradient does not sum over a broadcast batch (on any
    // backend), so gradients are compared only where both batches agree.
    const broadcast = a.slice(0, -2).join() !== b.slice(0, -2).join();
    const fn = (p: tf.Tensor, q: tf.Tensor) => {
      const out = tf.matMul(p, q, ta, tb);
      if (broadcast) return [out];
      const w = tf.sin(tf.reshape(tf.range(0, out.size), out.shape));
      return [out, ...tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(tf.matMul(u, v, ta, tb), w)))([p, q])];
    };
    const cpu = await runOn('cpu', [x, y], fn);
    const wasm = await runOn('wasm', [x, y], fn);
    cpu.forEach((c, i) => expectAllClose(wasm[i]!, c, 1e-5));
    tf.dispose([x, y]);
  });

  it('gives the backend\'s own error for mismatched inner sizes, and leaks nothing', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    expect(() => tf.matMul(tf.zeros([2, 3, 4]), tf.zeros([2, 5, 6]))).toThrow(/inner shapes/);
    const p = tf.randomNormal([4, 2, 30, 16]);
    const q = tf.randomNormal([4, 2, 30, 16]);
    expectNoLeaks(() => tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.matMul(u, v, false, true)))([p, q]));
    tf.dispose([p, q]);
  });
});

describe('registerWasmKernels Sum', () => {
  useBackend('wasm');

  it.each<[number[], number | number[], boolean]>([
    [[37, 19], 0, false],
    [[4, 5, 6, 7], [0, 1, 2], true],
    [[4, 5, 6, 7], [1, 0], false],
    [[3, 8], -2, true],
    [[4, 5, 6], [1, 2], false], // trailing axes: the backend's own kernel
    [[4, 5, 6], [0, 2], false], // not contiguous: the backend's own kernel
    [[6, 7], [0, 1], false], // everything
  ])('matches cpu: x %j, axis %j, keepDims %s', async (shape, axis, keepDims) => {
    registerWasmKernels();
    const x = tf.randomNormal(shape, 0, 1, 'float32', 31);
    const cpu = await runOn('cpu', [x], (t) => [tf.sum(t, axis, keepDims)]);
    const wasm = await runOn('wasm', [x], (t) => {
      const y = tf.sum(t, axis, keepDims);
      expect(y.shape).toEqual(tf.tidy(() => tf.sum(tf.zeros(shape), axis, keepDims).shape));
      return [y];
    });
    expectAllClose(wasm[0]!, cpu[0]!, 1e-5);
    x.dispose();
  });
});

describe('registerWasmKernels UnsortedSegmentSum', () => {
  useBackend('wasm');

  it('matches cpu, drops ids outside [0, S), and lets tf.layers.embedding-style gathers train', async () => {
    registerWasmKernels();
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
    const x = tf.randomNormal([7, 3, 2], 0, 1, 'float32', 41);
    const ids = tf.tensor1d([4, 0, 4, -1, 2, 9, 0], 'int32');
    const fn = (a: tf.Tensor, b: tf.Tensor) => [tf.unsortedSegmentSum(a, b as tf.Tensor1D, 5)];
    const cpu = await runOn('cpu', [x, ids], fn);
    const wasm = await runOn('wasm', [x, ids], fn);
    expectAllClose(wasm[0]!, cpu[0]!, 1e-6);
    await tf.setBackend('wasm');
    const table = tf.randomNormal([6, 4], 0, 1, 'float32', 42);
    const rows = tf.tensor2d([[1, 5, 1], [0, 1, 3]], [2, 3], 'int32');
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, rows)))(table); // needs UnsortedSegmentSum
    expect(Array.from(g.dataSync())).toEqual([1, 1, 1, 1, 3, 3, 3, 3, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1]);
    tf.dispose([x, ids, table, rows, g]);
  });
});

describe('registerWasmKernels Slice', () => {
  useBackend('wasm');

  it.each<[number[], number[], number[], 'float32' | 'int32' | 'bool']>([
    [[4, 9, 5], [0, 2, 0], [4, 6, 5], 'float32'], // runs of whole trailing dims
    [[4, 9, 5], [1, 2, 1], [2, 6, 3], 'float32'], // nothing whole: runs along the last dim
    [[2, 3, 4, 5], [0, 0, 0, 0], [2, 3, 4, 5], 'int32'], // everything
    [[2, 3, 4, 5], [1, 1, 2, 0], [1, 2, 2, -1], 'float32'], // -1 = to the end
    [[7], [3], [2], 'int32'],
    [[3, 4], [1, 0], [2, 4], 'bool'],
    [[2, 0, 3], [0, 0, 0], [2, 0, 3], 'float32'], // empty
    [[2, 1, 2, 1, 3, 2], [1, 0, 1, 0, 1, 0], [1, 1, 1, 1, 2, 2], 'float32'], // rank 6
  ])('matches cpu: x %j, begin %j, size %j (%s)', async (shape, begin, size, dtype) => {
    registerWasmKernels();
    const n = shape.reduce((p, d) => p * d, 1);
    const x = tf.tensor(Array.from({ length: n }, (_, i) => (dtype === 'bool' ? i % 2 : i)), shape, dtype);
    const cpu = await runOn('cpu', [x], (t) => [tf.slice(t, begin, size)]);
    const wasm = await runOn('wasm', [x], (t) => [tf.slice(t, begin, size)]);
    expect(Array.from(wasm[0]!)).toEqual(Array.from(cpu[0]!));
    x.dispose();
  });
});
