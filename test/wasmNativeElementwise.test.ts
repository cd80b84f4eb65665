// Our own vectorised element-wise kernels (native/kernels/elementwise.c) against
// the cpu backend, which computes through Math.exp/log/tanh in double precision
// and rounds once: ulp distance on every finite result, and NaN, ±Inf, ±0 and
// subnormals exactly as cpu gives them; broadcasts our kernels take and those
// they leave to the backend; odd and 0 sizes; leaks.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectNoLeaks, runOn, useBackend } from './backends.js';
import { broadcastPlan } from '../src/wasm/_elementwise.js';
import { nativeKernels } from '../src/wasm/_native.js';
import { registerWasmKernels } from '../src/wasm/registerWasmKernels.js';

registerWasmKernels();

/** Every float32 ordered as an integer, so that the difference of two is their distance in ulps. */
function ordinal(v: number): number {
  const bits = new Int32Array(new Float32Array([v]).buffer)[0]!;
  return bits < 0 ? -2147483648 - bits : bits;
}

/** Largest ulp distance over finite results; specials (NaN, ±Inf, ±0) must be identical. */
function ulpDistance(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(e) || e === 0 || !Number.isFinite(a) || a === 0) {
      expect(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)), `element ${i}: ${a} against cpu's ${e}`).toBe(true);
    } else worst = Math.max(worst, Math.abs(ordinal(a) - ordinal(e)));
  }
  return worst;
}

const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 1e-45, 3.4028234663852886e38, -3.4028234663852886e38,
  88.72283935546875, 88.7228, 88.73, -87.33, -87.34, -103.97, -103.98, -104, 15.94, -15.94, 13.94, -13.94, 0.625, -0.625, 1e-8, -1e-8, 9.1, -9.1];

/** Specials, then values spread over [-110, 110], [-3, 3] and every binade, seeded; 4,099 + specials (not a multiple of 4). */
function sample(): Float32Array {
  let s = 7;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const values = [...SPECIALS];
  for (let i = 0; i < 1500; i++) values.push((rnd() * 2 - 1) * 110);
  for (let i = 0; i < 1500; i++) values.push((rnd() * 2 - 1) * 3);
  for (let i = 0; i < 1099; i++) values.push(2 ** (rnd() * 270 - 145) * (rnd() < 0.5 ? -1 : 1));
  return Float32Array.from(values);
}

describe('native element-wise kernels', () => {
  useBackend('wasm');

  it('run here (our module is instantiated on the backend)', async () => {
    await tf.setBackend('wasm');
    expect(nativeKernels(tf.backend())).not.toBeNull();
  });

  it.each<[string, (x: tf.Tensor) => tf.Tensor, number]>([
    ['exp', (x) => tf.exp(x), 1],
    ['log', (x) => tf.log(x), 1],
    ['softplus', (x) => tf.softplus(x), 3],
    ['tanh (small tensors: ours)', (x) => tf.concat(tf.split(x, [1000, 1000, 1000, 1000, x.size - 4000]).map((p) => tf.tanh(p))), 1],
    ['sign', (x) => tf.sign(x), 0],
  ])('%s is within %s ulp of cpu, with identical specials', async (_name, f, ulps) => {
    const x = tf.tensor1d(sample());
    const cpu = await runOn('cpu', [x], (t) => [f(t)]);
    const wasm = await runOn('wasm', [x], (t) => [f(t)]);
    expect(ulpDistance(wasm[0]!, cpu[0]!)).toBeLessThanOrEqual(ulps);
    x.dispose();
  });

  it.each([0, 1, 3, 5])('unary kernels handle %i elements', async (n) => {
    const x = tf.tensor1d(Float32Array.from({ length: n }, (_, i) => i - 1.5));
    const fn = (t: tf.Tensor) => [tf.exp(t), tf.log(t), tf.softplus(t), tf.sign(t), tf.tanh(t)];
    const cpu = await runOn('cpu', [x], fn);
    const wasm = await runOn('wasm', [x], fn);
    cpu.forEach((c, i) => expect(ulpDistance(wasm[i]!, c)).toBeLessThanOrEqual(3));
    x.dispose();
  });

  it.each<[number[], number[], boolean]>([
    [[7, 9], [7, 9], true], // equal shapes
    [[7, 9], [], true], // scalar right
    [[], [3, 5], true], // scalar left
    [[4, 7, 9], [9], true], // bias: repeated along leading dims
    [[7, 1], [7, 9], true], // one value per row, left
    [[7, 9], [7, 1], true], // one value per row, right
    [[7, 1], [1, 9], true], // outer product
    [[2, 1, 3], [1, 4, 1], false], // left to the backend
    [[0, 3], [3], true], // empty
  ])('Maximum, Minimum, Greater, Less match cpu exactly: %j against %j (ours: %s)', async (sa, sb, ours) => {
    expect(broadcastPlan(sa, sb) !== null).toBe(ours);
    const values = (shape: number[], seed: number) => {
      const t = tf.randomNormal(shape, 0, 1, 'float32', seed);
      const v = t.dataSync().slice();
      t.dispose();
      // Specials only where ours runs: the backend's own Maximum lets NaN lose.
      if (ours) [NaN, Infinity, -Infinity, -0, 0].forEach((s, i) => { if (v.length > 3 * i + seed % 3) v[3 * i + (seed % 3)] = s; });
      return tf.tensor(v, shape);
    };
    const a = values(sa, 61);
    const b = values(sb, 62);
    const fn = (p: tf.Tensor, q: tf.Tensor) => [tf.maximum(p, q), tf.minimum(p, q), tf.cast(tf.greater(p, q), 'float32'), tf.cast(tf.less(p, q), 'float32')];
    const cpu = await runOn('cpu', [a, b], fn);
    const wasm = await runOn('wasm', [a, b], fn);
    cpu.forEach((c, i) => expect(ulpDistance(wasm[i]!, c)).toBe(0));
    await tf.setBackend('wasm');
    const g = tf.tidy(() => tf.greater(a, b));
    expect(g.dtype).toBe('bool');
    expect(g.shape).toEqual(tf.broadcast_util.assertAndGetBroadcastShape(sa, sb));
    tf.dispose([a, b, g]);
  });

  it.each<['float32' | 'int32', number[]]>([
    ['float32', [7, 9]],
    ['int32', [13]],
    ['float32', [0]],
  ])('Select (tf.where) matches cpu bit for bit: %s %j', async (dtype, shape) => {
    const n = shape.reduce((p, d) => p * d, 1);
    const cond = tf.tensor(Array.from({ length: n }, (_, i) => (i * 7) % 3 === 0), shape, 'bool');
    const t = tf.tensor(Array.from({ length: n }, (_, i) => (i === 2 ? NaN : i + 0.5)), shape, dtype);
    const e = tf.tensor(Array.from({ length: n }, (_, i) => (i === 3 ? -Infinity : -i)), shape, dtype);
    const fn = (c: tf.Tensor, p: tf.Tensor, q: tf.Tensor) => [tf.where(c, p, q)];
    const cpu = await runOn('cpu', [cond, t, e], fn);
    const wasm = await runOn('wasm', [cond, t, e], fn);
    expect(Array.from(wasm[0]!)).toEqual(Array.from(cpu[0]!));
    tf.dispose([cond, t, e]);
  });

  it('Select on bool branches matches cpu and leaves the heap intact (the stock kernel corrupts it)', async () => {
    const n = 37;
    const cond = tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3 === 0), 'bool');
    const t = tf.tensor1d(Array.from({ length: n }, (_, i) => i % 2 === 0), 'bool');
    const e = tf.tensor1d(Array.from({ length: n }, (_, i) => i % 5 === 0), 'bool');
    const fn = (c: tf.Tensor, p: tf.Tensor, q: tf.Tensor) => [tf.where(c, p, q)];
    const cpu = await runOn('cpu', [cond, t, e], fn);
    const wasm = await runOn('wasm', [cond, t, e], fn);
    expect(Array.from(wasm[0]!)).toEqual(Array.from(cpu[0]!));
    // Allocations after it still work (with the stock kernel, malloc fails here or later).
    expectNoLeaks(() => tf.tidy(() => Array.from({ length: 50 }, (_, i) => tf.keep(tf.add(tf.ones([1 + i * 13]), 1)))));
    tf.dispose([cond, t, e]);
  });

  it('gradients through them match cpu, and nothing leaks', async () => {
    const x = tf.randomNormal([6, 11], 0, 2, 'float32', 63);
    const y = tf.randomNormal([6, 11], 0, 2, 'float32', 64); // tfjs' Maximum gradient does not reduce a broadcast
    // tfjs registers no gradient for Greater: the mask is taken outside the tape.
    const loss = (mask: tf.Tensor) => (p: tf.Tensor, q: tf.Tensor) =>
      tf.sum(tf.add(tf.add(tf.softplus(tf.maximum(p, q)), tf.exp(tf.minimum(p, 1))), tf.mul(tf.log(tf.add(tf.abs(p), 1)), tf.tanh(tf.where(mask, p, tf.mul(q, 2))))));
    const fn = (p: tf.Tensor, q: tf.Tensor) => {
      const mask = tf.greater(p, q);
      const g = tf.grads(loss(mask))([p, q]);
      mask.dispose();
      return g;
    };
    const cpu = await runOn('cpu', [x, y], fn);
    const wasm = await runOn('wasm', [x, y], fn);
    cpu.forEach((c, i) => expectAllClose(wasm[i]!, c, 1e-5));
    await tf.setBackend('wasm');
    expectNoLeaks(() => fn(x, y));
    tf.dispose([x, y]);
  });
});
