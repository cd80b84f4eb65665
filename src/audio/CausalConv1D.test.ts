import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectAllClose, expectNoLeaks, useBackend } from '../../test/backends.js';
import { causalConv1d } from './CausalConv1D.js';
import { waveNetBlock } from './WaveNetBlock.js';

interface ConvCase { name: string; B: number; T: number; Ci: number; Co: number; K: number; dilation: number; x: number[]; kernel: number[]; bias: number[]; output: number[]; cotangent: number[]; xGrad: number[]; kernelGrad: number[]; biasGrad: number[] }
interface BlockCase {
  name: string; B: number; T: number; R: number; S: number; K: number; dilation: number; G: number;
  x: number[]; conditioning: number[] | null; weights: { shape: number[]; values: number[] }[];
  residual: number[]; skip: number[]; cotangentResidual: number[]; cotangentSkip: number[]; xGrad: number[]; dilatedKernelGrad: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/audio.json', import.meta.url), 'utf8')) as { causalConv1d: ConvCase[]; waveNetBlock: BlockCase[] };
const f32 = (a: number[]) => Float32Array.from(a);

describe.each(BACKENDS)('audio layers on %s', (backend) => {
  useBackend(backend);

  it.each(fixture.causalConv1d.map((c) => [c.name, c] as const))('CausalConv1D matches PyTorch Conv1d with left padding (%s): values and gradients', (_n, c) => {
    const conv = causalConv1d({ filters: c.Co, kernelSize: c.K, dilationRate: c.dilation });
    const x = tf.tensor(c.x, [c.B, c.T, c.Ci]);
    conv.apply(x);
    conv.setWeights([tf.tensor(c.kernel, [c.K, c.Ci, c.Co]), tf.tensor(c.bias, [c.Co])]);
    const y = conv.apply(x) as tf.Tensor;
    expectAllClose(y.dataSync() as Float32Array, f32(c.output), 1e-5);
    const r = tf.tensor(c.cotangent, y.shape);
    const vars = conv.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(conv.apply(x) as tf.Tensor, r)) as tf.Scalar, vars);
    expectAllClose(grads[vars[0]!.name]!.dataSync() as Float32Array, f32(c.kernelGrad), 1e-5);
    expectAllClose(grads[vars[1]!.name]!.dataSync() as Float32Array, f32(c.biasGrad), 1e-5);
    const gx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(conv.apply(v) as tf.Tensor, r)))(x);
    expectAllClose(gx.dataSync() as Float32Array, f32(c.xGrad), 1e-5);
  });

  it.each(fixture.waveNetBlock.map((c) => [c.name, c] as const))('WaveNetBlock matches a PyTorch gated block (%s): values and gradients', (_n, c) => {
    const block = waveNetBlock({ skipChannels: c.S, kernelSize: c.K, dilationRate: c.dilation, ...(c.G ? { conditioningDim: c.G } : {}) });
    const x = tf.tensor(c.x, [c.B, c.T, c.R]);
    const cond = c.conditioning === null ? null : tf.tensor(c.conditioning, [c.B, c.G]);
    const input = (v: tf.Tensor) => (cond === null ? v : [v, cond]);
    block.apply(input(x));
    block.setWeights(c.weights.map((w) => tf.tensor(w.values, w.shape)));
    const [res, skip] = block.apply(input(x)) as tf.Tensor[];
    expectAllClose(res!.dataSync() as Float32Array, f32(c.residual), 1e-5);
    expectAllClose(skip!.dataSync() as Float32Array, f32(c.skip), 1e-5);
    const r1 = tf.tensor(c.cotangentResidual, res!.shape);
    const r2 = tf.tensor(c.cotangentSkip, skip!.shape);
    const objective = (v: tf.Tensor) => {
      const [a, b] = block.apply(input(v)) as tf.Tensor[];
      return tf.add(tf.sum(tf.mul(a!, r1)), tf.sum(tf.mul(b!, r2))) as tf.Scalar;
    };
    expectAllClose(tf.grad(objective)(x).dataSync() as Float32Array, f32(c.xGrad), 1e-5);
    const kernel = block.trainableWeights[0]!.read() as tf.Variable;
    const { grads } = tf.variableGrads(() => objective(x), [kernel]);
    expectAllClose(grads[kernel.name]!.dataSync() as Float32Array, f32(c.dilatedKernelGrad), 1e-5);
  });

  it('is causal for any dilation: changing future inputs leaves past outputs unchanged', () => {
    for (const dilationRate of [1, 3, 8]) {
      const conv = causalConv1d({ filters: 3, kernelSize: 3, dilationRate, seed: 1 });
      const x = tf.randomNormal([1, 30, 2], 0, 1, 'float32', 2);
      const changed = tf.concat([tf.slice(x, [0, 0, 0], [1, 20, 2]), tf.randomNormal([1, 10, 2], 0, 1, 'float32', 3)], 1);
      const a = (conv.apply(x) as tf.Tensor).arraySync() as number[][][];
      const b = (conv.apply(changed) as tf.Tensor).arraySync() as number[][][];
      expect(b[0]!.slice(0, 20)).toEqual(a[0]!.slice(0, 20));
      expect(b[0]![20]).not.toEqual(a[0]![20]);
    }
  });

  it('trains: a few steps fit a delayed copy (needs the dilated tap), with no leaks', () => {
    const conv = causalConv1d({ filters: 1, kernelSize: 2, dilationRate: 5, seed: 4 });
    const x = tf.randomNormal([8, 40, 1], 0, 1, 'float32', 5);
    const target = tf.pad(tf.slice(x, [0, 0, 0], [8, 35, 1]), [[0, 0], [5, 0], [0, 0]]); // x delayed by 5
    const optimizer = tf.train.adam(0.05);
    const loss = () => tf.losses.meanSquaredError(target, conv.apply(x) as tf.Tensor) as tf.Scalar;
    const first = tf.tidy(() => loss().dataSync()[0]!);
    const counts: number[] = [];
    for (let i = 0; i < 60; i++) {
      tf.dispose(optimizer.minimize(loss, true)!);
      counts.push(tf.memory().numTensors);
    }
    expect(counts.at(-1)).toBe(counts[1]); // after the optimizer made its state
    expect(tf.tidy(() => loss().dataSync()[0]!)).toBeLessThan(first * 0.1);
    expectNoLeaks(() => conv.apply(x) as tf.Tensor);
  });
});

describe('CausalConv1D', () => {
  it('rejects a kernel size below 1, a bad dilation, and inputs of the wrong rank', () => {
    expect(() => causalConv1d({ filters: 2, kernelSize: 0 })).toThrow(/CausalConv1D: invalid `kernelSize`: expected a positive integer, received 0/);
    expect(() => causalConv1d({ filters: 2, kernelSize: 2, dilationRate: 1.5 })).toThrow(/invalid `dilationRate`: expected a positive integer, received 1\.5/);
    expect(() => causalConv1d({ filters: 2, kernelSize: 2 }).apply(tfl.input({ shape: [5] }))).toThrow(/expected \[B, T, C\] with a known C, received \[null, 5\]/);
    const block = waveNetBlock({ skipChannels: 4, conditioningDim: 3 });
    expect(() => block.apply(tf.zeros([1, 5, 2]))).toThrow(/built with conditioningDim 3, so it takes \[x, conditioning\]; the conditioning input is missing/);
  });
});
