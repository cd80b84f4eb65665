// The VAE losses against PyTorch's torch.distributions (values and input gradients),
// from the fixture written by scripts/gen_vae_fixtures.py, on every test backend.
// tfjs-core alone registers no gradients: tfjs-layers (or @tensorflow/tfjs) imports
// this file. The losses are used here without tfjs-layers, so import it explicitly.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectNoLeaks, useBackend } from '../../test/backends.js';
import { bernoulliNegLogLikelihood } from './bernoulliNegLogLikelihood.js';
import { elbo } from './elbo.js';
import { gaussianNegLogLikelihood } from './gaussianNegLogLikelihood.js';
import { klDivergence } from './klDivergence.js';

interface Case {
  shape: number[];
  weights: number[];
  value: number[];
  [key: string]: unknown;
}
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/vae.json', import.meta.url), 'utf8')) as {
  klDivergence: Record<string, Case & { mean: number[]; logVar: number[]; gradMean: number[]; gradLogVar: number[] }>;
  bernoulliNegLogLikelihood: Record<string, Case & { logits: number[]; x: number[]; gradLogits: number[]; gradX: number[] }>;
  gaussianNegLogLikelihood: Record<string, Case & { xHat: number[]; x: number[]; variance: number; gradXHat: number[]; gradX: number[] }>;
};

/** |actual - expected| ≤ tol · max(1, |expected|) for every element. */
function expectClose(actual: ArrayLike<number>, expected: number[], tol = 1e-5): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!), `element ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(expected[i]!)),
    );
  }
}

/** Value `[B]` and the gradients of Σ_b w_b f_b with respect to both inputs. */
function valueAndGrads(
  f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor1D,
  a: tf.Tensor,
  b: tf.Tensor,
  weights: number[],
): { value: Float32Array; gradA: Float32Array; gradB: Float32Array } {
  const before = tf.memory().numTensors;
  const v = f(a, b);
  expect(tf.memory().numTensors).toBe(before + 1); // only the result
  expect(v.shape).toEqual([a.shape[0]]);
  const w = tf.tensor1d(weights);
  const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(f(x, y), w)))([a, b]);
  const out = { value: v.dataSync() as Float32Array, gradA: ga!.dataSync() as Float32Array, gradB: gb!.dataSync() as Float32Array };
  tf.dispose([v, w, ga!, gb!]);
  return out;
}

describe.each(BACKENDS)('VAE losses against PyTorch on %s', (backend) => {
  useBackend(backend);

  it.each(Object.entries(fixture.klDivergence))('klDivergence, case %s: value and gradients', (_name, c) => {
    const mean = tf.tensor(c.mean, c.shape);
    const logVar = tf.tensor(c.logVar, c.shape);
    const r = valueAndGrads(klDivergence, mean, logVar, c.weights);
    expectClose(r.value, c.value);
    expectClose(r.gradA, c.gradMean);
    expectClose(r.gradB, c.gradLogVar);
    tf.dispose([mean, logVar]);
  });

  it.each(Object.entries(fixture.bernoulliNegLogLikelihood))('bernoulliNegLogLikelihood, case %s: value and gradients', (_name, c) => {
    const logits = tf.tensor(c.logits, c.shape);
    const x = tf.tensor(c.x, c.shape);
    const r = valueAndGrads(bernoulliNegLogLikelihood, logits, x, c.weights);
    expectClose(r.value, c.value);
    expectClose(r.gradA, c.gradLogits);
    expectClose(r.gradB, c.gradX);
    tf.dispose([logits, x]);
  });

  it.each(Object.entries(fixture.gaussianNegLogLikelihood))('gaussianNegLogLikelihood, case %s: value and gradients', (_name, c) => {
    const xHat = tf.tensor(c.xHat, c.shape);
    const x = tf.tensor(c.x, c.shape);
    const f = (a: tf.Tensor, b: tf.Tensor) => gaussianNegLogLikelihood(a, b, { variance: c.variance });
    const r = valueAndGrads(f, xHat, x, c.weights);
    expectClose(r.value, c.value);
    expectClose(r.gradA, c.gradXHat);
    expectClose(r.gradB, c.gradX);
    tf.dispose([xHat, x]);
  });

  it('elbo = -(NLL + β·KL) from the same pieces, and leaks nothing', () => {
    const b = fixture.bernoulliNegLogLikelihood['typical']!;
    const k = fixture.klDivergence['typical']!;
    const logits = tf.tensor(b.logits, b.shape);
    const x = tf.tensor(b.x, b.shape);
    const mean = tf.tensor(k.mean, k.shape);
    const logVar = tf.tensor(k.logVar, k.shape);
    const bound = elbo(logits, x, mean, logVar);
    expectClose(bound.dataSync(), b.value.map((nll, i) => -(nll + k.value[i]!)));
    const beta = elbo(logits, x, mean, logVar, { beta: 4 });
    expectClose(beta.dataSync(), b.value.map((nll, i) => -(nll + 4 * k.value[i]!)));
    const g = fixture.gaussianNegLogLikelihood['typical']!;
    const xHat = tf.tensor(g.xHat, g.shape);
    const xg = tf.tensor(g.x, g.shape);
    const gauss = elbo(xHat, xg, mean, logVar, { likelihood: 'gaussian', variance: g.variance });
    expectClose(gauss.dataSync(), g.value.map((nll, i) => -(nll + k.value[i]!)));
    expectNoLeaks(() => elbo(logits, x, mean, logVar, { beta: 0.5 }));
    expectNoLeaks(() => klDivergence(mean, logVar));
    tf.dispose([logits, x, mean, logVar, bound, beta, xHat, xg, gauss]);
  });
});

describe('VAE losses', () => {
  it('match the closed forms on hand-picked values', () => {
    // KL of N(1, e⁰) is ½·1² = 0.5; of N(0, e²): ½(e² - 1 - 2).
    const kl = klDivergence(tf.tensor2d([[0, 0], [1, 0], [0, 0]]), tf.tensor2d([[0, 0], [0, 0], [2, 0]]));
    expectClose(kl.dataSync(), [0, 0.5, 0.5 * (Math.exp(2) - 3)], 1e-6);
    // Logit 0 gives ln 2 per feature whatever x; logit ±100 with the matching x gives ≈ e⁻¹⁰⁰ = 0.
    const nll = bernoulliNegLogLikelihood(tf.tensor2d([[0, 0, 0], [100, -100, 100]]), tf.tensor2d([[1, 0, 0.5], [1, 0, 1]]));
    expectClose(nll.dataSync(), [3 * Math.LN2, 0], 1e-6);
    // ½[(x - x̂)²/σ² + log 2πσ²] summed: σ² = 2, residuals 2 and 0.
    const g = gaussianNegLogLikelihood(tf.tensor2d([[0, 1]]), tf.tensor2d([[2, 1]]), { variance: 2 });
    expectClose(g.dataSync(), [0.5 * (4 / 2 + 2 * Math.log(4 * Math.PI))], 1e-6);
    tf.dispose([kl, nll, g]);
  });

  it('reject mismatched shapes, naming both shapes', () => {
    const a = tf.zeros([4, 2]);
    const b = tf.zeros([4, 3]);
    expect(() => klDivergence(a, b)).toThrow(/^klDivergence: mean and logVar must have the same shape: received \[4, 2\] and \[4, 3\]\.$/);
    expect(() => bernoulliNegLogLikelihood(a, b)).toThrow(/^bernoulliNegLogLikelihood: logits and x must have the same shape: received \[4, 2\] and \[4, 3\]\.$/);
    expect(() => gaussianNegLogLikelihood(a, b)).toThrow(/^gaussianNegLogLikelihood: xHat and x must have the same shape/);
    expect(() => gaussianNegLogLikelihood(a, a, { variance: 0 })).toThrow(
      /^gaussianNegLogLikelihood: invalid `variance`: expected a positive finite number, received 0\.$/,
    );
    expect(() => klDivergence(tf.scalar(1), tf.scalar(1))).toThrow(/klDivergence: invalid `mean` shape: expected rank >= 1/);
    // @ts-expect-error: not a tensor.
    expect(() => klDivergence([0, 1], a)).toThrow(/klDivergence: invalid `mean`: expected a tf.Tensor, received \[0, 1\]/);
    const c = tf.zeros([3, 2]);
    expect(() => elbo(a, a, c, c)).toThrow(/^elbo: x and mean must have the same batch size: received \[4, 2\] and \[3, 2\]\.$/);
    expect(() => elbo(a, a, a, a, { variance: 2 })).toThrow(/elbo: invalid `variance`: expected no `variance` with likelihood 'bernoulli'/);
    expect(() => elbo(a, a, a, a, { beta: -1 })).toThrow(/elbo: invalid `beta`: expected a non-negative finite number, received -1\./);
    // @ts-expect-error: unknown likelihood.
    expect(() => elbo(a, a, a, a, { likelihood: 'poisson' })).toThrow(/elbo: invalid `likelihood`: expected one of 'bernoulli', 'gaussian', received "poisson"/);
    tf.dispose([a, b, c]);
  });
});

describe('bernoulliNegLogLikelihood with targets outside [0, 1]', () => {
  it('is NaN for exactly the examples holding such a target, so training stops and names the step', () => {
    const logits = tf.zeros([3, 2]);
    const x = tf.tensor2d([[0, 1], [0.5, 255], [-0.1, 0]]);
    const nll = tf.tidy(() => Array.from(bernoulliNegLogLikelihood(logits, x).dataSync()));
    expect(nll[0]).toBeCloseTo(2 * Math.log(2), 6);
    expect(nll[1]).toBeNaN();
    expect(nll[2]).toBeNaN();
    tf.dispose([logits, x]);
  });
});
