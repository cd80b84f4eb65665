// The wasm kernels against the cpu backend's own, on many convolution shapes.
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conv2DBackpropFilter } from '../src/wasm/conv2DBackpropFilter.js';
import { conv2DBackpropInput } from '../src/wasm/conv2DBackpropInput.js';
import { registerWasmKernels } from '../src/wasm/registerWasmKernels.js';
import { tile } from '../src/wasm/tile.js';
import { expectAllClose, expectNoLeaks, runOn } from './backends.js';

interface Case {
  x: [number, number, number, number];
  k: number;
  co: number;
  stride: number;
  pad: 'same' | 'valid' | number;
}
const CASES: Case[] = [
  { x: [1, 5, 5, 1], k: 3, co: 1, stride: 1, pad: 'valid' },
  { x: [2, 7, 9, 3], k: 3, co: 4, stride: 1, pad: 'same' },
  { x: [5, 8, 8, 3], k: 4, co: 6, stride: 2, pad: 'same' },
  { x: [3, 9, 7, 2], k: 5, co: 3, stride: 2, pad: 'valid' },
  { x: [2, 10, 11, 4], k: 3, co: 5, stride: 3, pad: 'same' },
  { x: [2, 6, 6, 16], k: 1, co: 8, stride: 1, pad: 'valid' },
  { x: [1, 7, 7, 2], k: 4, co: 3, stride: 2, pad: 1 },
  { x: [4, 14, 14, 16], k: 4, co: 32, stride: 2, pad: 'same' },
  { x: [3, 7, 7, 4], k: 7, co: 5, stride: 1, pad: 'valid' }, // one window over the whole image (a DCGAN's last layer)
  { x: [2, 4, 4, 3], k: 4, co: 2, stride: 2, pad: 'valid' }, // the same, strided
  { x: [2, 9, 9, 1], k: 3, co: 16, stride: 1, pad: 'same' }, // more output channels than columns (a first layer)
  { x: [3, 10, 10, 1], k: 4, co: 12, stride: 2, pad: 'same' },
];

describe('registerWasmKernels', () => {
  beforeAll(async () => {
    expect(registerWasmKernels()).toBe(true);
    expect(registerWasmKernels()).toBe(true); // idempotent
    // The library's kernels replaced the backend's own (or filled its gap).
    expect(tf.getKernel('Tile', 'wasm')!.kernelFunc).toBe(tile);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')!.kernelFunc).toBe(conv2DBackpropFilter);
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')!.kernelFunc).toBe(conv2DBackpropInput);
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('runs the threaded build, with the core count', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as { wasm: { tfjs: { getThreadsCount(): number } } };
    expect(backend.wasm.tfjs.getThreadsCount()).toBe(Math.min(8, availableParallelism()));
  });

  it.each(CASES)('conv2d gradients match cpu: x $x, k $k, Co $co, stride $stride, pad $pad', async ({ x, k, co, stride, pad }) => {
    const input = tf.randomNormal(x, 0, 1, 'float32', 1);
    const filter = tf.randomNormal([k, k, x[3], co], 0, 1, 'float32', 2);
    // A weighted sum, so every output position gets a different upstream gradient.
    const lossGrads = (xi: tf.Tensor, f: tf.Tensor) =>
      tf.grads((a: tf.Tensor, b: tf.Tensor) => {
        const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad);
        const weights = tf.sin(tf.reshape(tf.range(0, y.size), y.shape));
        return tf.sum(tf.mul(y, weights));
      })([xi, f]);
    const [cpuDx, cpuDw] = await runOn('cpu', [input, filter], lossGrads);
    const [wasmDx, wasmDw] = await runOn('wasm', [input, filter], lossGrads);
    expectAllClose(wasmDx!, cpuDx!);
    expectAllClose(wasmDw!, cpuDw!);
    tf.dispose([input, filter]);
  });

  it.each(CASES.filter((c) => typeof c.pad === 'string'))('conv2dTranspose forward matches cpu: x $x, k $k, stride $stride, pad $pad', async ({ x, k, co, stride, pad }) => {
    const input = tf.randomNormal(x, 0, 1, 'float32', 3);
    const filter = tf.randomNormal([k, k, co, x[3]], 0, 1, 'float32', 4);
    const outSize = (s: number) => (pad === 'same' ? s * stride : (s - 1) * stride + k);
    const shape: [number, number, number, number] = [x[0], outSize(x[1]), outSize(x[2]), co];
    const run = (a: tf.Tensor, f: tf.Tensor) => [tf.conv2dTranspose(a as tf.Tensor4D, f as tf.Tensor4D, shape, stride, pad as 'same' | 'valid')];
    const [cpu] = await runOn('cpu', [input, filter], run);
    const [wasm] = await runOn('wasm', [input, filter], run);
    expectAllClose(wasm!, cpu!);
    tf.dispose([input, filter]);
  });

  it.each([
    { shape: [1, 1, 1, 64], reps: [8, 7, 7, 1], dtype: 'float32' },
    { shape: [3, 1, 2], reps: [2, 4, 3], dtype: 'float32' },
    { shape: [5], reps: [3], dtype: 'int32' },
    { shape: [2, 3], reps: [1, 1], dtype: 'bool' },
    { shape: [], reps: [], dtype: 'float32' },
    { shape: [2, 0, 3], reps: [2, 2, 2], dtype: 'float32' },
  ] as const)('Tile matches cpu exactly: $shape × $reps ($dtype)', async ({ shape, reps, dtype }) => {
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    const x = tf.tensor(Array.from({ length: size }, (_, i) => (dtype === 'bool' ? i % 2 : i * 1.5 - 3)), [...shape], dtype);
    const run = (t: tf.Tensor) => [tf.tile(t, [...reps])];
    const [cpu] = await runOn('cpu', [x], run);
    const [wasm] = await runOn('wasm', [x], run);
    expect(Array.from(wasm!)).toEqual(Array.from(cpu!));
    x.dispose();
  });

  it('frees every intermediate buffer', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 8, 8, 3]);
    const f = tf.randomNormal([4, 4, 3, 5]);
    expectNoLeaks(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, f]));
    tf.dispose([x, f]);
  });

  it('lets a DCGAN-like conv model train on wasm', async () => {
    await tf.setBackend('wasm');
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }) }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', kernelInitializer: tfl.initializers.glorotNormal({ seed: 2 }) }),
      ],
    });
    const x = tf.randomUniform([16, 8, 8, 1], -1, 1, 'float32', 5);
    const optimizer = tf.train.adam(0.01);
    const loss = () => tf.mean(tf.square(tf.sub(model.apply(x, { training: true }) as tf.Tensor, x))) as tf.Scalar;
    const first = (await tf.tidy(loss).data())[0]!;
    for (let i = 0; i < 20; i++) optimizer.minimize(loss, true)?.dispose();
    const last = (await tf.tidy(loss).data())[0]!;
    expect(last).toBeLessThan(first * 0.7);
    tf.dispose([x]);
    optimizer.dispose();
    model.dispose();
  });
});
