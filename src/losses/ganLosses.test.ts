// Every GAN loss against PyTorch (values and input gradients), from the fixture
// written by scripts/gen_gan_loss_fixtures.py.
// tfjs-core alone registers no gradients: tfjs-layers (or @tensorflow/tfjs) imports
// this file. The losses are used here without tfjs-layers, so import it explicitly.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import * as losses from './index.js';

type Nested = number | Nested[];
interface LossFixture {
  value: number;
  gradReal?: Nested;
  gradFake: Nested;
}
interface Case {
  real: Nested;
  fake: Nested;
  shapes: [number[], number[]];
  losses: Record<string, LossFixture>;
}
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/gan-losses.json', import.meta.url), 'utf8')) as {
  cases: Record<string, Case>;
};

const D_LOSSES = ['minimaxDiscriminatorLoss', 'leastSquaresDiscriminatorLoss', 'hingeDiscriminatorLoss', 'wassersteinDiscriminatorLoss'] as const;
const G_LOSSES = ['nonSaturatingGeneratorLoss', 'saturatingGeneratorLoss', 'leastSquaresGeneratorLoss', 'hingeGeneratorLoss', 'wassersteinGeneratorLoss'] as const;
const flat = (x: Nested): number[] => (Array.isArray(x) ? x.flatMap(flat) : [x]);

function expectClose(actual: ArrayLike<number>, expected: number[], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]!)));
  }
}

const cases = Object.entries(fixture.cases);

describe.each(BACKENDS)('GAN losses against PyTorch on %s', (backend) => {
  useBackend(backend);

  describe.each(cases)('case %s', (_name, c) => {
    const tensors = () => [tf.tensor(flat(c.real), c.shapes[0]), tf.tensor(flat(c.fake), c.shapes[1])] as const;

    it.each(D_LOSSES)('%s: value and gradients', (name) => {
      const [real, fake] = tensors();
      const fn = losses[name];
      const expected = c.losses[name]!;
      const before = tf.memory().numTensors;
      const value = fn(real, fake);
      expect(tf.memory().numTensors).toBe(before + 1); // only the result
      expect(value.shape).toEqual([]);
      expectClose(value.dataSync(), [expected.value]);
      const [gReal, gFake] = tf.grads((r: tf.Tensor, f: tf.Tensor) => fn(r, f))([real, fake]);
      expectClose(gReal!.dataSync(), flat(expected.gradReal!));
      expectClose(gFake!.dataSync(), flat(expected.gradFake));
      tf.dispose([real, fake, value, gReal!, gFake!]);
    });

    it.each(G_LOSSES)('%s: value and gradient', (name) => {
      const [real, fake] = tensors();
      const fn = losses[name];
      const expected = c.losses[name]!;
      const before = tf.memory().numTensors;
      const value = fn(fake);
      expect(tf.memory().numTensors).toBe(before + 1);
      expectClose(value.dataSync(), [expected.value]);
      const g = tf.grad((f: tf.Tensor) => fn(f))(fake);
      expectClose(g.dataSync(), flat(expected.gradFake));
      tf.dispose([real, fake, value, g]);
    });
  });
});

describe('GAN losses', () => {
  it('stay finite and exact for logits of magnitude 100', () => {
    const big = tf.tensor2d([[100], [-100]]);
    for (const name of D_LOSSES) {
      const v = losses[name](big, big).dataSync()[0]!;
      expect(Number.isFinite(v)).toBe(true);
    }
    // softplus(100) = 100 (to float32), softplus(-100) = e^-100 ≈ 0: mean over [100, -100] = 50.
    expect(losses.nonSaturatingGeneratorLoss(big).dataSync()[0]).toBeCloseTo(50, 4);
    big.dispose();
  });

  it('ganLossPair maps names to functions', () => {
    expect(losses.ganLossPair('non-saturating')).toEqual({
      discriminator: losses.minimaxDiscriminatorLoss,
      generator: losses.nonSaturatingGeneratorLoss,
    });
    expect(losses.ganLossPair('minimax')).toEqual(losses.ganLossPair('non-saturating'));
    expect(losses.ganLossPair('saturating').generator).toBe(losses.saturatingGeneratorLoss);
    expect(losses.ganLossPair('least-squares').discriminator).toBe(losses.leastSquaresDiscriminatorLoss);
    expect(losses.ganLossPair('hinge').generator).toBe(losses.hingeGeneratorLoss);
    expect(losses.ganLossPair('wasserstein').discriminator).toBe(losses.wassersteinDiscriminatorLoss);
    // @ts-expect-error: not a name.
    expect(() => losses.ganLossPair('wgan')).toThrow(/^ganLossPair: invalid `name`: expected one of 'minimax', 'non-saturating', .*received "wgan"\.$/);
  });

  it('name every shape in a shape error', () => {
    const a = tf.zeros([8, 1]);
    const b = tf.zeros([8, 2]);
    const s = tf.scalar(1);
    expect(() => losses.hingeDiscriminatorLoss(a, b)).toThrow(
      /^hingeDiscriminatorLoss: `realLogits` and `fakeLogits` must match except in the batch dimension: received \[8, 1\] and \[8, 2\]\.$/,
    );
    expect(() => losses.nonSaturatingGeneratorLoss(s)).toThrow(/nonSaturatingGeneratorLoss: invalid `fakeLogits` shape: expected rank >= 1 \(\[B, …\]\), received \[\]/);
    // @ts-expect-error: not a tensor.
    expect(() => losses.minimaxDiscriminatorLoss([1], a)).toThrow(/minimaxDiscriminatorLoss: invalid `realLogits`: expected a tf.Tensor, received \[1\]/);
    tf.dispose([a, b, s]);
  });
});
