// registerWasmKernels' Identity, SplitV, Tanh, LeakyRelu and Mean against the cpu
// backend (and Math.tanh): values, gradients through them, shared data, leaks.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { identity } from '../src/wasm/identity.js';
import { registerWasmKernels } from '../src/wasm/registerWasmKernels.js';
import { expectAllClose, expectNoLeaks, runOn, useBackend } from './backends.js';

registerWasmKernels();

const SPLITS: [number[], number | number[], number][] = [
  [[6, 10], 2, 1], // halves of the channels: short runs
  [[6, 10], [3, -1, 2], 1], // sizes, one inferred
  [[4, 5, 300], [100, 200], 2], // long runs
  [[9, 4], 3, 0], // leading axis: whole blocks
  [[2, 3, 4, 5], [1, 1, 2], 2], // middle axis, rank 4
  [[2, 0, 3], 3, 2], // empty
];

describe('registerWasmKernels element-wise kernels', () => {
  useBackend('wasm');

  it('replaces Identity, SplitV, Tanh, LeakyRelu and Mean', () => {
    for (const name of ['Identity', 'SplitV', 'Tanh', 'LeakyRelu', 'Mean']) expect(tf.getKernel(name, 'wasm')).toBeDefined();
    expect(tf.getKernel('Identity', 'wasm')!.kernelFunc).toBe(identity);
  });

  it('Identity shares the data and frees it with the last tensor on it', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const ids = backend.numDataIds();
    const y = tf.clone(x); // the Identity kernel
    expect(backend.numDataIds()).toBe(ids); // no copy
    x.dispose();
    expect(Array.from(await y.data())).toEqual([1, 2, 3, 4]); // still there
    y.dispose();
    expect(backend.numDataIds()).toBe(ids - 1); // gone with the last one
    const i = tf.tensor1d([5, 6], 'int32');
    const v = tf.tensor1d([1, 2]);
    expectNoLeaks(() => tf.grad((t: tf.Tensor) => tf.sum(tf.clone(t)))(v));
    v.dispose();
    expect(Array.from(tf.clone(i).dataSync())).toEqual([5, 6]);
    i.dispose();
  });

  it.each(SPLITS)('SplitV matches cpu: x %j, splits %j, axis %i', async (shape, splits, axis) => {
    const n = shape.reduce((p, d) => p * d, 1);
    const x = tf.tensor(Array.from({ length: n }, (_, i) => i), shape);
    const fn = (t: tf.Tensor) => tf.split(t, splits, axis);
    const cpu = await runOn('cpu', [x], fn);
    const wasm = await runOn('wasm', [x], fn);
    expect(wasm.length).toBe(cpu.length);
    wasm.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(cpu[i]!)));
    x.dispose();
  });

  it('SplitV keeps int32 and bool, and leaks nothing', async () => {
    await tf.setBackend('wasm');
    const ints = tf.split(tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32'), 2, 1);
    expect(ints.map((t) => [t.dtype, Array.from(t.dataSync())])).toEqual([['int32', [1, 2]], ['int32', [3, 4]]]);
    const bools = tf.split(tf.tensor1d([1, 0, 0, 1], 'bool'), 2);
    expect(bools.map((t) => [t.dtype, Array.from(t.dataSync())])).toEqual([['bool', [1, 0]], ['bool', [0, 1]]]);
    tf.dispose([...ints, ...bools]);
    const x = tf.randomNormal([8, 12]);
    expectNoLeaks(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.split(t, [5, 7], 1)[1]!, 2)))(x));
    x.dispose();
  });

  it('Tanh is within 3e-7 of Math.tanh on [-12, 12] and saturates to ±1 exactly', async () => {
    await tf.setBackend('wasm');
    const xs = Float32Array.from({ length: 240_001 }, (_, i) => (i - 120_000) / 10_000);
    const extra = Float32Array.from([0, -0, 1e-30, -1e-7, 30, -30, 1e4, -1e4, Infinity, -Infinity]);
    const all = Float32Array.from([...xs, ...extra]);
    const y = tf.tidy(() => tf.tanh(tf.tensor1d(all)).dataSync());
    let worst = 0;
    for (let i = 0; i < all.length; i++) worst = Math.max(worst, Math.abs(y[i]! - Math.tanh(all[i]!)));
    expect(worst).toBeLessThan(3e-7);
    expect(Array.from(y.slice(-6))).toEqual([1, -1, 1, -1, 1, -1]);
    expect(Number.isNaN(tf.tidy(() => tf.tanh(tf.tensor1d(new Float32Array(2048).fill(NaN))).dataSync()[0]))).toBe(true);
    // Small tensors take the backend's own kernel: the same values.
    const small = tf.tidy(() => tf.tanh(tf.tensor1d([-3, -0.5, 1e-7, 0.25, 4])).dataSync());
    Array.from(small).forEach((v, i) => expect(v).toBeCloseTo(Math.tanh([-3, -0.5, 1e-7, 0.25, 4][i]!), 6));
  });

  it('Tanh gradient matches cpu, and Tanh leaks nothing', async () => {
    const x = tf.randomNormal([7, 33], 0, 2, 'float32', 5);
    const fn = (t: tf.Tensor) => [tf.tanh(t), tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.tanh(u), tf.sin(u))))(t)];
    const cpu = await runOn('cpu', [x], fn);
    const wasm = await runOn('wasm', [x], fn);
    cpu.forEach((c, i) => expectAllClose(wasm[i]!, c, 1e-6));
    await tf.setBackend('wasm');
    expectNoLeaks(() => tf.tanh(x));
    x.dispose();
  });

  it.each([0.2, 0, 1, 3, -0.5])('LeakyRelu (α %d) matches cpu, values and gradient', async (alpha) => {
    const x = tf.tensor(Float32Array.from({ length: 6 * 5 * 7 }, (_, i) => Math.sin(i * 1.7) * 3), [6, 5, 7]);
    const fn = (t: tf.Tensor) => [tf.leakyRelu(t, alpha), tf.grad((u: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(u, alpha), tf.cos(u))))(t)];
    const cpu = await runOn('cpu', [x], fn);
    const wasm = await runOn('wasm', [x], fn);
    cpu.forEach((c, i) => expectAllClose(wasm[i]!, c, 1e-6));
    await tf.setBackend('wasm');
    expectNoLeaks(() => tf.leakyRelu(x, alpha)); // the slope vector is made once per α and width
    expect(Array.from(tf.tidy(() => tf.leakyRelu(tf.scalar(-2), 0.1).dataSync()))).toEqual([Float32Array.from([-0.2])[0]]);
    x.dispose();
  });

  it.each<[number[], number | number[], boolean]>([
    [[64, 7, 7, 16], [0, 1, 2], false], // batch-norm moments
    [[37, 19], 0, true],
    [[9, 8], [0], false],
    [[4, 5, 6], [1, 2], false], // trailing axes: the backend's own kernel
    [[5, 6], [0, 1], false], // everything: the backend's own kernel
  ])('Mean matches cpu: x %j, axis %j, keepDims %s', async (shape, axis, keepDims) => {
    const x = tf.randomNormal(shape, 1, 2, 'float32', 9);
    const fn = (t: tf.Tensor) => [tf.mean(t, axis, keepDims), tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.mean(u, axis, keepDims))))(t)];
    const cpu = await runOn('cpu', [x], fn);
    const wasm = await runOn('wasm', [x], fn);
    cpu.forEach((c, i) => expectAllClose(wasm[i]!, c, 1e-5));
    await tf.setBackend('wasm');
    expectNoLeaks(() => tf.mean(x, axis, keepDims));
    x.dispose();
  });
});
