import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectAllClose, expectNoLeaks, useBackend } from '../../test/backends.js';
import { registerWasmKernels } from '../wasm/registerWasmKernels.js';
import { ModulatedConv2D, modulatedConv2d } from './ModulatedConv2D.js';
import { modulatedConv2dForward } from './_modulatedConv2dForward.js';

interface Case {
  name: string;
  demodulate: boolean;
  kernelSize: number;
  filters: number;
  xShape: [number, number, number, number];
  x: number[];
  wShape: [number, number];
  w: number[];
  kernelShape: [number, number, number, number];
  kernel: number[];
  styleKernelShape: [number, number];
  styleKernel: number[];
  styleBias: number[];
  bias: number[];
  r: number[];
  yShape: number[];
  y: number[];
  grads: Record<'x' | 'w' | 'kernel' | 'styleKernel' | 'styleBias' | 'bias', number[]>;
}
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/stylegan.json', import.meta.url), 'utf8')) as { cases: Case[] };

describe.each(BACKENDS)('ModulatedConv2D on %s', (backend) => {
  useBackend(backend);

  it.each(fixture.cases.map((c) => [c.name, c] as const))('matches PyTorch grouped convolution (%s): values and gradients', (_n, c) => {
    registerWasmKernels();
    const x = tf.tensor(c.x, c.xShape) as tf.Tensor4D; // [B, H, W, Ci]
    const w = tf.tensor(c.w, c.wShape) as tf.Tensor2D;
    const kernel = tf.tensor(c.kernel, c.kernelShape) as tf.Tensor4D;
    const styleKernel = tf.tensor(c.styleKernel, c.styleKernelShape) as tf.Tensor2D;
    const styleBias = tf.tensor1d(c.styleBias);
    const bias = tf.tensor1d(c.bias);
    const layer = modulatedConv2d({ filters: c.filters, kernelSize: c.kernelSize, demodulate: c.demodulate });
    tf.dispose(layer.apply([x, w]) as tf.Tensor); // builds it
    layer.setWeights([kernel, styleKernel, styleBias, bias]);
    const y = layer.apply([x, w]) as tf.Tensor;
    expect(y.shape).toEqual(c.yShape);
    expectAllClose(y.dataSync() as Float32Array, Float32Array.from(c.y), 1e-4);

    const r = tf.tensor(c.r, c.yShape);
    const loss = (...t: tf.Tensor[]) =>
      tf.sum(tf.mul(modulatedConv2dForward(t[0] as tf.Tensor4D, t[1] as tf.Tensor2D, t[2] as tf.Tensor4D, t[3] as tf.Tensor2D, t[4] as tf.Tensor1D, t[5] as tf.Tensor1D, c.demodulate), r));
    const grads = tf.grads(loss)([x, w, kernel, styleKernel, styleBias, bias]);
    (['x', 'w', 'kernel', 'styleKernel', 'styleBias', 'bias'] as const).forEach((name, i) => {
      expectAllClose(grads[i]!.dataSync() as Float32Array, Float32Array.from(c.grads[name]), 1e-4);
    });
    // Through the layer too: gradients to its variables equal the fixture's.
    const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
    const { grads: varGrads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply([x, w]) as tf.Tensor, r)) as tf.Scalar, vars);
    expectAllClose(varGrads[vars[0]!.name]!.dataSync() as Float32Array, Float32Array.from(c.grads.kernel), 1e-4);
    expectAllClose(varGrads[vars[1]!.name]!.dataSync() as Float32Array, Float32Array.from(c.grads.styleKernel), 1e-4);
    tf.dispose([x, w, kernel, styleKernel, styleBias, bias, y, r, ...grads, ...Object.values(varGrads)]);
    layer.dispose();
  });

  it('demodulated output has unit variance for unit-variance input; without demodulation, the closed form Σ(w·s)²', () => {
    registerWasmKernels();
    const [b, h, ci, co, styleDim] = [4, 20, 6, 5, 8];
    const x = tf.randomNormal([b, h, h, ci], 0, 1, 'float32', 11) as tf.Tensor4D; // unit input
    const w = tf.randomNormal([b, styleDim], 0, 1, 'float32', 12) as tf.Tensor2D;
    const kernelInitializer = tfl.initializers.randomNormal({ stddev: 3, seed: 13 }); // far from unit gain
    const variances = (demodulate: boolean): Float32Array =>
      tf.tidy(() => {
        const layer = new ModulatedConv2D({ filters: co, kernelSize: 3, demodulate, useBias: false, kernelInitializer, seed: 14 });
        const y = layer.apply([x, w]) as tf.Tensor4D; // [B, H, H, Co]
        const interior = tf.slice(y, [0, 1, 1, 0], [b, h - 2, h - 2, co]); // no zero padding in view
        const m = tf.moments(interior, [1, 2]).variance; // [B, Co]
        const out = m.dataSync() as Float32Array;
        layer.dispose();
        return out;
      });
    const demod = variances(true);
    const mean = demod.reduce((a, v) => a + v, 0) / demod.length;
    expect(mean).toBeGreaterThan(0.93);
    expect(mean).toBeLessThan(1.07);
    for (const v of demod) expect(Math.abs(v - 1)).toBeLessThan(0.3); // 324 pixels per (b, o)

    // Without demodulation: E[y²] = Σ_{k,i} (W[k,i,o] s[b,i])², computed here in float64.
    const plain = new ModulatedConv2D({ filters: co, kernelSize: 3, demodulate: false, useBias: false, kernelInitializer, seed: 14 });
    tf.dispose(plain.apply([x, w]) as tf.Tensor);
    const kernel = plain.getWeights()[0]!.dataSync(); // [3, 3, Ci, Co]
    const s = tf.tidy(() => plain.styles(w).dataSync()); // [B, Ci]
    const raw = variances(false);
    let ratio = 0;
    for (let bi = 0; bi < b; bi++) {
      for (let o = 0; o < co; o++) {
        let energy = 0;
        for (let k = 0; k < 9; k++) for (let i = 0; i < ci; i++) energy += (kernel[(k * ci + i) * co + o]! * s[bi * ci + i]!) ** 2;
        ratio += raw[bi * co + o]! / energy / (b * co);
      }
    }
    expect(ratio).toBeGreaterThan(0.93);
    expect(ratio).toBeLessThan(1.07);
    plain.dispose();
    tf.dispose([x, w]);
  });

  it('leaks no tensors', () => {
    registerWasmKernels();
    const layer = modulatedConv2d({ filters: 3, seed: 1 });
    const x = tf.randomNormal([2, 6, 6, 4]);
    const w = tf.randomNormal([2, 5]);
    expectNoLeaks(() => layer.apply([x, w]) as tf.Tensor);
    const vars = layer.trainableWeights.map((v) => v.read() as tf.Variable);
    expectNoLeaks(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply([x, w]) as tf.Tensor) as tf.Scalar, vars);
      return [value, ...Object.values(grads)];
    });
    tf.dispose([x, w]);
    layer.dispose();
  });
});

describe('ModulatedConv2D', () => {
  it('has weights kernel, style kernel, style bias (ones), bias (zeros) and a config that round-trips', () => {
    const layer = modulatedConv2d({ filters: 4, kernelSize: 3, demodulate: false, seed: 3, name: 'mc' });
    const y = layer.apply([tf.ones([1, 5, 5, 2]), tf.ones([1, 7])]) as tf.Tensor;
    expect(y.shape).toEqual([1, 5, 5, 4]);
    expect(layer.getWeights().map((t) => t.shape)).toEqual([[3, 3, 2, 4], [7, 2], [2], [4]]);
    expect(Array.from(layer.getWeights()[2]!.dataSync())).toEqual([1, 1]);
    const config = layer.getConfig();
    expect(config).toMatchObject({ filters: 4, kernelSize: 3, demodulate: false, useBias: true, seed: 3 });
    const copy = new ModulatedConv2D(config as never);
    tf.dispose(copy.apply([tf.ones([1, 5, 5, 2]), tf.ones([1, 7])]) as tf.Tensor);
    // The same seed gives the same weights.
    expect(Array.from(copy.getWeights()[0]!.dataSync())).toEqual(Array.from(layer.getWeights()[0]!.dataSync()));
  });

  it('rejects bad arguments and inputs with messages naming them', () => {
    expect(() => modulatedConv2d({ filters: 0 })).toThrow(/ModulatedConv2D: invalid `filters`: expected a positive integer, received 0/);
    expect(() => modulatedConv2d({ filters: 2, demodulate: 'yes' as never })).toThrow(/invalid `demodulate`: expected a boolean, received "yes"/);
    expect(() => modulatedConv2d({ filters: 2, stride: 2 } as never)).toThrow(/unknown args field `stride`/);
    const layer = modulatedConv2d({ filters: 2, name: 'm' });
    expect(() => layer.apply(tfl.input({ shape: [4, 4, 3] }))).toThrow(/ModulatedConv2D 'm': invalid inputs: expected \[x, w\].*received \[null, 4, 4, 3\]/);
    expect(() => layer.apply([tfl.input({ shape: [4, 4, 3] }), tfl.input({ shape: [2, 5] })])).toThrow(/received \[null, 4, 4, 3\] and \[null, 2, 5\]/);
  });
});
