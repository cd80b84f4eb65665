import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectAllClose, expectNoLeaks, useBackend } from '../../test/backends.js';
import { InstanceNormalization, instanceNormalization } from './InstanceNormalization.js';

interface Case {
  name: string;
  shape: [number, number, number, number];
  affine: boolean;
  epsilon: number;
  x: number[];
  upstream: number[];
  y: number[];
  gradX: number[];
  gamma?: number[];
  beta?: number[];
  gradGamma?: number[];
  gradBeta?: number[];
}

// PyTorch's nn.InstanceNorm2d in float64 (scripts/gen_cyclegan_fixtures.py).
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/cyclegan.json', import.meta.url), 'utf8')) as { instanceNorm: Case[] };
const f32 = (v: number[]) => Float32Array.from(v);

describe.each(BACKENDS)('InstanceNormalization on %s', (backend) => {
  useBackend(backend);

  it.each(fixture.instanceNorm.map((c) => [c.name, c] as const))('matches PyTorch nn.InstanceNorm2d (%s): values and gradients to x, γ, β', (_n, c) => {
    const layer = instanceNormalization({ affine: c.affine, epsilon: c.epsilon });
    const x = tf.tensor4d(c.x, c.shape);
    const r = tf.tensor4d(c.upstream, c.shape);
    layer.build(x.shape);
    if (c.affine) layer.setWeights([tf.tensor1d(c.gamma!), tf.tensor1d(c.beta!)]);
    const y = layer.apply(x) as tf.Tensor;
    expectAllClose(y.dataSync() as Float32Array, f32(c.y), 1e-4);
    // loss = Σ y ⊙ r, as in the fixture.
    const loss = (input: tf.Tensor) => tf.sum(tf.mul(layer.apply(input) as tf.Tensor, r)) as tf.Scalar;
    const dx = tf.grad(loss)(x);
    expectAllClose(dx.dataSync() as Float32Array, f32(c.gradX), 1e-4);
    const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    expect(vars).toHaveLength(c.affine ? 2 : 0);
    if (c.affine) {
      const { grads, value } = tf.variableGrads(() => loss(x), vars);
      expectAllClose(grads[vars[0]!.name]!.dataSync() as Float32Array, f32(c.gradGamma!), 1e-4);
      expectAllClose(grads[vars[1]!.name]!.dataSync() as Float32Array, f32(c.gradBeta!), 1e-4);
      tf.dispose([value, ...Object.values(grads)]);
    }
    expectNoLeaks(() => layer.apply(x) as tf.Tensor);
    tf.dispose([x, r, y, dx]);
    for (const w of layer.weights) w.dispose();
  });

  it('normalizes each example and channel over H×W: zero mean, unit variance, batch-independent', () => {
    const layer = instanceNormalization({ affine: false });
    const x = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([3, 6, 5, 4], 0, 1, 'float32', 1), 4), 7));
    const y = layer.apply(x) as tf.Tensor;
    const { mean, variance } = tf.moments(y, [1, 2]);
    expect(Math.max(...Array.from(tf.abs(mean).dataSync()))).toBeLessThan(1e-5);
    expect(Math.max(...Array.from(tf.abs(tf.sub(variance, 1)).dataSync()))).toBeLessThan(1e-3);
    // The first example alone gives the same output as within the batch.
    const alone = layer.apply(tf.slice(x, 0, 1)) as tf.Tensor;
    expectAllClose(alone.dataSync() as Float32Array, tf.slice(y, 0, 1).dataSync() as Float32Array, 1e-6);
    tf.dispose([x, y, mean, variance, alone]);
  });
});

describe('InstanceNormalization', () => {
  it('serializes its config and rebuilds from it', () => {
    const layer = instanceNormalization({ epsilon: 1e-3, affine: false, name: 'in1' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ epsilon: 1e-3, affine: false, name: 'in1' });
    const rebuilt = InstanceNormalization.fromConfig(InstanceNormalization, config) as InstanceNormalization;
    expect(rebuilt).toBeInstanceOf(InstanceNormalization);
    expect(rebuilt.epsilon).toBe(1e-3);
    expect(rebuilt.affine).toBe(false);
    expect(instanceNormalization().getConfig()).toMatchObject({ epsilon: 1e-5, affine: true });
  });

  it('has γ (ones) and β (zeros) per channel when affine, no weights otherwise', () => {
    const affine = instanceNormalization();
    affine.build([null, 4, 4, 3]);
    expect(affine.getWeights().map((w) => Array.from(w.dataSync()))).toEqual([[1, 1, 1], [0, 0, 0]]);
    const plain = instanceNormalization({ affine: false });
    plain.build([null, 4, 4, 3]);
    expect(plain.getWeights()).toHaveLength(0);
  });

  it('rejects invalid arguments and inputs, naming the field', () => {
    expect(() => instanceNormalization({ epsilon: 0 })).toThrow(/InstanceNormalization: invalid `epsilon`: expected a positive finite number, received 0\./);
    expect(() => instanceNormalization({ affine: 'yes' as unknown as boolean })).toThrow(/InstanceNormalization: invalid `affine`: expected a boolean, received "yes"\./);
    expect(() => instanceNormalization({ center: true } as never)).toThrow(/InstanceNormalization: unknown args field `center`/);
    expect(() => instanceNormalization().apply(tfl.input({ shape: [5, 3] }))).toThrow(/InstanceNormalization '.*': expected images \[B, H, W, C\] with a known channel count, received shape \[null, 5, 3\]/);
  });
});
