import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectAllClose, expectNoLeaks, useBackend } from '../../test/backends.js';
import { registerWasmKernels } from '../wasm/registerWasmKernels.js';
import { gradientPenalty } from './gradientPenalty.js';

interface Case { name: string; kind: 'dense' | 'conv'; weights: { shape: number[]; values: number[] }[]; realShape: number[]; real: number[]; fake: number[]; epsilon: number[]; weight: number; penalty: number; weightGrads: number[][] }
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/gradient-penalty.json', import.meta.url), 'utf8')) as { cases: Case[] };

function critic(c: Case): tfl.LayersModel {
  const layers =
    c.kind === 'dense'
      ? [tfl.layers.dense({ inputShape: [c.realShape[1]!], units: 8 }), tfl.layers.leakyReLU({ alpha: 0.2 }), tfl.layers.dense({ units: 1 })]
      : [
          tfl.layers.conv2d({ inputShape: c.realShape.slice(1), filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
          tfl.layers.leakyReLU({ alpha: 0.2 }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 1 }),
        ];
  const model = tfl.sequential({ layers });
  model.setWeights(c.weights.map((w) => tf.tensor(w.values, w.shape)));
  return model;
}

describe.each(BACKENDS)('gradientPenalty on %s', (backend) => {
  useBackend(backend);

  it.each(fixture.cases.map((c) => [c.name, c] as const))('matches PyTorch double backward (%s): penalty and its gradient to the weights', (_n, c) => {
    registerWasmKernels();
    const model = critic(c);
    const real = tf.tensor(c.real, c.realShape);
    const fake = tf.tensor(c.fake, c.realShape);
    const epsilon = tf.tensor(c.epsilon, [c.realShape[0]!, 1]);
    const value = gradientPenalty(model, real, fake, { epsilon, weight: c.weight });
    expect(value.dataSync()[0]).toBeCloseTo(c.penalty, 4);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => gradientPenalty(model, real, fake, { epsilon, weight: c.weight }), vars);
    vars.forEach((v, i) => {
      const g = grads[v.name] ?? tf.zerosLike(v);
      expectAllClose(g.dataSync() as Float32Array, Float32Array.from(c.weightGrads[i]!), 1e-4);
    });
    expectNoLeaks(() => gradientPenalty(model, real, fake, { epsilon }));
  });

  it('is deterministic with a seed and positive for a random critic', () => {
    const c = fixture.cases[0]!;
    const model = critic(c);
    const real = tf.tensor(c.real, c.realShape);
    const fake = tf.tensor(c.fake, c.realShape);
    const a = gradientPenalty(model, real, fake, { seed: 3 }).dataSync()[0]!;
    expect(gradientPenalty(model, real, fake, { seed: 3 }).dataSync()[0]).toBe(a);
    expect(a).toBeGreaterThan(0);
  });
});

describe('gradientPenalty with labels (conditional critic)', () => {
  it('differentiates D(x̂, y) in x̂ only: closed form for a per-class linear critic', () => {
    // D(x, y) = ⟨E[y], x⟩, so ∇ₓD = E[y] and the penalty is λ·mean_b (‖E[y_b]‖ - 1)².
    const table = [
      [3, 4, 0, 0], // norm 5
      [0.6, 0.8, 0, 0], // norm 1
      [1, 1, 1, 1], // norm 2
    ];
    const x = tfl.input({ shape: [4] });
    const y = tfl.input({ shape: [1], dtype: 'int32' });
    const embedded = tfl.layers.flatten().apply(tfl.layers.embedding({ inputDim: 3, outputDim: 4, weights: [tf.tensor2d(table)] }).apply(y)) as tfl.SymbolicTensor;
    const critic = tfl.model({ inputs: [x, y], outputs: tfl.layers.dot({ axes: 1 }).apply([x, embedded]) as tfl.SymbolicTensor });
    const real = tf.randomNormal([4, 4], 0, 1, 'float32', 1);
    const fake = tf.randomNormal([4, 4], 0, 1, 'float32', 2);
    const labels = tf.tensor1d([0, 1, 2, 0], 'int32');
    const value = gradientPenalty(critic, real, fake, { labels, weight: 2, seed: 3 }).dataSync()[0]!;
    expect(value).toBeCloseTo((2 * (16 + 0 + 1 + 16)) / 4, 4);
    const column = tf.reshape(labels, [4, 1]);
    expect(gradientPenalty(critic, real, fake, { labels: column, weight: 2, seed: 3 }).dataSync()[0]).toBeCloseTo(value, 6);
    expectNoLeaks(() => gradientPenalty(critic, real, fake, { labels: column, seed: 3 }));
    expect(() => gradientPenalty(critic, real, fake, { labels: tf.zeros([3]) })).toThrow(/gradientPenalty: invalid `labels` shape: expected \[4, 1\] or \[4\], received \[3\]/);
  });
});

describe('gradientPenalty errors', () => {
  it('names the shapes', () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 1 })] });
    expect(() => gradientPenalty(model, tf.zeros([3, 4]), tf.zeros([2, 4]))).toThrow(/real and fake must have the same shape \[B, …\]: received \[3, 4\] and \[2, 4\]/);
    expect(() => gradientPenalty(model, tf.zeros([3, 4]), tf.zeros([3, 4]), { epsilon: tf.zeros([3]) })).toThrow(/invalid `epsilon` shape: expected \[3, 1\], received \[3\]/);
  });
});
