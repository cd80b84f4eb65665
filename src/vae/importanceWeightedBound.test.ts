// The IWAE estimate against a model whose log p(x) is known in closed form: a
// linear-Gaussian latent model, x = W z + b + noise, z ~ N(0, 1), noise ~ N(0, σ² I),
// so p(x) = N(b, W Wᵀ + σ² I) and the exact posterior is Gaussian.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { buildVAE } from './buildVAE.js';
import { importanceWeightedBound } from './importanceWeightedBound.js';
import type { VAEModels } from './types.js';

const W = [1.5, -0.5];
const B = [0.2, 0.1];
const S2 = 0.25; // σ²
const POST_VAR = 1 / (1 + (W[0]! ** 2 + W[1]! ** 2) / S2);
const X = [
  [0.2, 0.1],
  [2, -0.6],
  [-1.1, 0.9],
  [0.5, 0.5],
];

/** log N(x; b, W Wᵀ + σ² I) for 2-D x. */
function logPx([x0, x1]: number[]): number {
  const c00 = W[0]! ** 2 + S2;
  const c11 = W[1]! ** 2 + S2;
  const c01 = W[0]! * W[1]!;
  const det = c00 * c11 - c01 * c01;
  const d0 = x0! - B[0]!;
  const d1 = x1! - B[1]!;
  const quad = (c11 * d0 * d0 - 2 * c01 * d0 * d1 + c00 * d1 * d1) / det;
  return -0.5 * (quad + Math.log(det) + 2 * Math.log(2 * Math.PI));
}

/** The model with the exact posterior (`exact`) or the prior N(0, 1) as q(z|x). */
function linearGaussian(exact: boolean): VAEModels & { dispose(): void } {
  const x = tfl.input({ shape: [2] });
  const meanLayer = tfl.layers.dense({ units: 1, name: 'mean' });
  const logVarLayer = tfl.layers.dense({ units: 1, name: 'log_var' });
  const encoder = tfl.model({ inputs: x, outputs: [meanLayer.apply(x) as tfl.SymbolicTensor, logVarLayer.apply(x) as tfl.SymbolicTensor] });
  // Exact posterior: mean = (v/σ²) Wᵀ(x - b), log variance log v.
  const a = POST_VAR / S2;
  meanLayer.setWeights(
    exact
      ? [tf.tensor2d([[a * W[0]!], [a * W[1]!]]), tf.tensor1d([-a * (W[0]! * B[0]! + W[1]! * B[1]!)])]
      : [tf.zeros([2, 1]), tf.zeros([1])],
  );
  logVarLayer.setWeights([tf.zeros([2, 1]), tf.tensor1d([exact ? Math.log(POST_VAR) : 0])]);
  const z = tfl.input({ shape: [1] });
  const out = tfl.layers.dense({ units: 2, name: 'decoder' });
  const decoder = tfl.model({ inputs: z, outputs: out.apply(z) as tfl.SymbolicTensor });
  out.setWeights([tf.tensor2d([W]), tf.tensor1d(B)]);
  return {
    encoder,
    decoder,
    likelihood: 'gaussian',
    variance: S2,
    dispose() {
      encoder.dispose();
      decoder.dispose();
    },
  };
}

describe.each(BACKENDS)('importanceWeightedBound on %s', (backend) => {
  useBackend(backend);

  it('equals log p(x) exactly, for any k, when q(z|x) is the true posterior', () => {
    const model = linearGaussian(true);
    const x = tf.tensor2d(X);
    for (const samples of [1, 7]) {
      const est = importanceWeightedBound(model, x, { samples, seed: 1 });
      expect(est.shape).toEqual([4]);
      const got = est.dataSync();
      X.forEach((row, i) => expect(Math.abs(got[i]! - logPx(row))).toBeLessThan(1e-4));
      est.dispose();
    }
    x.dispose();
    model.dispose();
  });

  it('with the prior as q: k = 1 averages to the closed-form ELBO, and k = 2000 approaches log p(x) from below', () => {
    const model = linearGaussian(false);
    const row = X[1]!; // far from b: the prior is a poor proposal
    // ELBO with q = N(0, 1): E[log N(x; W z + b, σ²)] - 0 = Σ_d -½ log 2πσ² - ((x_d - b_d)² + W_d²) / 2σ².
    const elbo = [0, 1].reduce((s, d) => s - 0.5 * Math.log(2 * Math.PI * S2) - ((row[d]! - B[d]!) ** 2 + W[d]! ** 2) / (2 * S2), 0);
    const exact = logPx(row);
    expect(exact - elbo).toBeGreaterThan(2); // the gap the bound must close
    const n = 4000;
    const many = tf.tidy(() => tf.tile(tf.tensor2d([row]), [n, 1]));
    const k1 = importanceWeightedBound(model, many, { samples: 1, seed: 2 });
    const v = k1.dataSync() as Float32Array;
    const m = v.reduce((s, t) => s + t, 0) / n;
    const sd = Math.sqrt(v.reduce((s, t) => s + (t - m) ** 2, 0) / (n - 1));
    expect(Math.abs(m - elbo)).toBeLessThan(4 * (sd / Math.sqrt(n)));
    const one = tf.tensor2d([row]);
    const k2000 = importanceWeightedBound(model, one, { samples: 2000, seed: 3 }).dataSync()[0]!;
    const copies = tf.tidy(() => tf.tile(one, [200, 1]));
    const k20 = importanceWeightedBound(model, copies, { samples: 20, seed: 4 });
    const k20mean = tf.tidy(() => tf.mean(k20).dataSync()[0]!);
    expect(k20mean).toBeGreaterThan(m + 0.5);
    expect(k20mean).toBeLessThan(exact);
    expect(Math.abs(k2000 - exact)).toBeLessThan(0.1);
    tf.dispose([many, k1, one, copies, k20]);
    model.dispose();
  });

  it('does not depend on batchSize with a seed, and leaks nothing', () => {
    const model = linearGaussian(false);
    const x = tf.tensor2d(X);
    const a = importanceWeightedBound(model, x, { samples: 50, seed: 7 }); // one pass
    const b = importanceWeightedBound(model, x, { samples: 50, seed: 7, batchSize: 16 }); // 16 rows: 1 example, 4 chunks
    const c = importanceWeightedBound(model, x, { samples: 50, seed: 8 });
    const av = Array.from(a.dataSync());
    Array.from(b.dataSync()).forEach((t, i) => expect(t).toBeCloseTo(av[i]!, 4));
    expect(Array.from(c.dataSync())).not.toEqual(av);
    const before = tf.memory().numTensors;
    const d = importanceWeightedBound(model, x, { samples: 30, seed: 1, batchSize: 7 });
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([a, b, c, d, x]);
    model.dispose();
  });
});

describe('importanceWeightedBound', () => {
  it('takes labels for a conditional VAE and rejects bad ones', () => {
    const v = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [4], numClasses: 3, seed: 1 });
    const x = tf.tidy(() => tf.cast(tf.greater(tf.randomUniform([4, 6], 0, 1, 'float32', 1), 0.5), 'float32'));
    const before = tf.memory().numTensors;
    const est = importanceWeightedBound(v, x, { samples: 5, labels: [0, 1, 2, 0], seed: 1 });
    expect(est.shape).toEqual([4]);
    expect(Array.from(est.dataSync()).every((t) => Number.isFinite(t) && t < 0)).toBe(true);
    est.dispose();
    expect(() => importanceWeightedBound(v, x, { samples: 5 })).toThrow(
      /^importanceWeightedBound: missing `labels`: the VAE is conditional \(numClasses 3\), so every example needs a class index\.$/,
    );
    expect(() => importanceWeightedBound(v, x, { labels: [0, 1, 3, 0] })).toThrow(
      /importanceWeightedBound: invalid `labels`: expected integers in \[0, 2\] \(numClasses 3\), received 3 at index 2\./,
    );
    expect(() => importanceWeightedBound(v, x, { labels: [0, 1, 1.5, 0] })).toThrow(/received 1\.5 at index 2/);
    expect(() => importanceWeightedBound(v, x, { labels: [0, 1, 2, 0], samples: 0 })).toThrow(/invalid `samples`: expected a positive integer, received 0/);
    expect(() => importanceWeightedBound(v, tf.zeros([2, 5]), { labels: [0, 1] })).toThrow(/invalid `x` shape: expected \[null, 6\] \(the encoder's input\), received \[2, 5\]/);
    expect(tf.memory().numTensors).toBe(before + 1); // the tf.zeros of the last call
    x.dispose();
    v.dispose();
  });
});
