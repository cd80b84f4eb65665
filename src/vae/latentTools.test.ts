import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { interpolateLatents } from '../sampling/interpolateLatents.js';
import { buildVAE } from './buildVAE.js';
import { decodeLatents } from './decodeLatents.js';
import { encodeMean } from './encodeMean.js';
import { latentGrid } from './latentGrid.js';
import { normalQuantile } from './_normalQuantile.js';
import type { VAEModels } from './types.js';

/** Encoder mean = x, logVar = 0; decoder = identity: a latent grid reads back its coordinates. */
function identityVAE(): VAEModels & { dispose(): void } {
  const x = tfl.input({ shape: [2] });
  const mean = tfl.layers.dense({ units: 2, kernelInitializer: 'identity', biasInitializer: 'zeros' });
  const logVar = tfl.layers.dense({ units: 2, kernelInitializer: 'zeros' });
  const encoder = tfl.model({ inputs: x, outputs: [mean.apply(x) as tfl.SymbolicTensor, logVar.apply(x) as tfl.SymbolicTensor] });
  const z = tfl.input({ shape: [2] });
  const decoder = tfl.model({ inputs: z, outputs: tfl.layers.dense({ units: 2, kernelInitializer: 'identity' }).apply(z) as tfl.SymbolicTensor });
  return { encoder, decoder, likelihood: 'gaussian', dispose: () => (encoder.dispose(), decoder.dispose()) };
}

describe.each(BACKENDS)('latent tools on %s', (backend) => {
  useBackend(backend);

  it('encodeMean gives the encoder mean; decodeLatents gives σ(logits) or raw logits', () => {
    const v = buildVAE({ inputShape: [5], latentDim: 3, hiddenUnits: [4], seed: 1 });
    const x = tf.randomUniform([7, 5], 0, 1, 'float32', 2);
    const before = tf.memory().numTensors;
    const z = encodeMean(v, x, { batchSize: 3 });
    expect(tf.memory().numTensors).toBe(before + 1);
    const [m, lv] = v.encoder.predict(x) as tf.Tensor[];
    expect(z.shape).toEqual([7, 3]);
    expect(Array.from(z.dataSync())).toEqual(Array.from(m!.dataSync()));
    const probs = decodeLatents(v, z);
    const raw = decodeLatents(v, z, { output: 'raw' });
    expect(probs.shape).toEqual([7, 5]);
    const expected = tf.sigmoid(raw);
    const p = probs.dataSync();
    expected.dataSync().forEach((e, i) => expect(p[i]).toBeCloseTo(e, 6));
    expect(Math.min(...p)).toBeGreaterThan(0);
    expect(Math.max(...p)).toBeLessThan(1);
    tf.dispose([x, z, m!, lv!, probs, raw, expected]);
    v.dispose();
  });

  it('one-hot encodes labels correctly: decodeLatents with labels equals the decoder on a hand-made one-hot', () => {
    const v = buildVAE({ inputShape: [4], latentDim: 2, hiddenUnits: [8], numClasses: 3, seed: 5 });
    const z = tf.tensor2d([[0.5, -1], [1, 2], [0, 0]]);
    const hot = tf.tensor2d([[0, 0, 1], [1, 0, 0], [0, 1, 0]]);
    const mine = decodeLatents(v, z, { labels: [2, 0, 1], output: 'raw' });
    const direct = v.decoder.predict([z, hot]) as tf.Tensor;
    const d = direct.dataSync();
    mine.dataSync().forEach((t, i) => expect(t).toBeCloseTo(d[i]!, 5));
    tf.dispose([z, hot, mine, direct]);
    v.dispose();
  });

  it('latentGrid decodes a G×G grid of Gaussian quantiles (or a linear grid), columns along dims[0], rows along dims[1]', () => {
    const v = identityVAE();
    const before = tf.memory().numTensors;
    const grid = latentGrid(v, { size: 3 });
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(grid.shape).toEqual([9, 2]);
    const q = normalQuantile(1 / 6); // ≈ -0.967
    const expected = [
      [q, q], [0, q], [-q, q],
      [q, 0], [0, 0], [-q, 0],
      [q, -q], [0, -q], [-q, -q],
    ].flat();
    const got = grid.dataSync();
    expected.forEach((e, i) => expect(got[i]).toBeCloseTo(e, 5));
    const linear = latentGrid(v, { size: 3, spacing: 'linear', range: 2, dims: [1, 0] });
    expect(Array.from(linear.dataSync())).toEqual([-2, -2, -2, 0, -2, 2, 0, -2, 0, 0, 0, 2, 2, -2, 2, 0, 2, 2]);
    tf.dispose([grid, linear]);
    v.dispose();
  });
});

describe('latent tools', () => {
  it('checks the likelihood, variance and beta of the VAE it is given as the builders and elbo do', () => {
    const v = buildVAE({ inputShape: [4], latentDim: 2, hiddenUnits: [3], seed: 2 });
    const before = tf.memory().numTensors;
    const { encoder, decoder } = v;
    expect(() => latentGrid({ encoder, decoder, beta: -1 })).toThrow(/^latentGrid: invalid `vae.beta`: expected a non-negative finite number, received -1\.$/);
    expect(() => latentGrid({ encoder, decoder, likelihood: 'bernoulli', variance: 2 })).toThrow(
      /^latentGrid: invalid `vae.variance`: expected no `variance` with likelihood 'bernoulli'/,
    );
    expect(() => latentGrid({ encoder, decoder, likelihood: 'poisson' as never })).toThrow(/^latentGrid: invalid `vae.likelihood`: expected one of 'bernoulli', 'gaussian'/);
    expect(tf.memory().numTensors).toBe(before);
    // The builders' own results carry variance 1 with a Bernoulli likelihood: accepted.
    expect(v.variance).toBe(1);
    tf.dispose(latentGrid(v, { size: 2 }));
    expect(tf.memory().numTensors).toBe(before);
    v.dispose();
  });

  it('normalQuantile matches known quantiles of N(0, 1)', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874040841, 8);
    expect(normalQuantile(0.8413447460685429)).toBeCloseTo(1, 8);
  });

  it('work with a conditional VAE: the label changes the decoding; interpolateLatents walks between codes', () => {
    const v = buildVAE({ inputShape: [4], latentDim: 2, hiddenUnits: [8], numClasses: 3, seed: 3 });
    const x = tf.tensor2d([[1, 0, 1, 0], [0, 1, 0, 1]]);
    const codes = encodeMean(v, x, { labels: [0, 2] });
    const [a, b] = tf.unstack(codes);
    const path = interpolateLatents(a!, b!, 5);
    const walk = decodeLatents(v, path, { labels: [0, 0, 0, 0, 0] });
    expect(walk.shape).toEqual([5, 4]);
    const as0 = decodeLatents(v, codes, { labels: [0, 0] });
    const as1 = decodeLatents(v, codes, { labels: [1, 1] });
    expect(Array.from(as0.dataSync())).not.toEqual(Array.from(as1.dataSync()));
    const grid = latentGrid(v, { size: 2, label: 1 });
    expect(grid.shape).toEqual([4, 4]);
    expect(() => decodeLatents(v, codes)).toThrow(/^decodeLatents: missing `labels`: the VAE is conditional \(numClasses 3\)/);
    expect(() => decodeLatents(v, codes, { labels: [0, 3] })).toThrow(
      /^decodeLatents: invalid `labels`: expected integers in \[0, 2\] \(numClasses 3\), received 3 at index 1\.$/,
    );
    expect(() => encodeMean(v, x, { labels: [0] })).toThrow(/encodeMean: invalid `labels`: expected 2 class indices \(one per example\), received 1/);
    expect(() => latentGrid(v, { label: 5 })).toThrow(/^latentGrid: invalid `label`: expected an integer in \[0, 2\] \(numClasses 3\), received 5\.$/);
    expect(() => latentGrid(v)).toThrow(/^latentGrid: missing `label`: the VAE is conditional \(numClasses 3\), so choose the class to draw\.$/);
    expect(() => decodeLatents(v, tf.zeros([2, 3]), { labels: [0, 0] })).toThrow(/decodeLatents: invalid `z` shape: expected \[null, 2\], received \[2, 3\]/);
    expect(() => latentGrid(v, { dims: [0, 0] })).toThrow(/latentGrid: invalid `dims`: expected two different integers in \[0, 1\], received \[0, 0\]/);
    tf.dispose([x, codes, a!, b!, path, walk, as0, as1, grid]);
    v.dispose();
    const one = buildVAE({ inputShape: [4], latentDim: 1, hiddenUnits: [2], seed: 1 });
    expect(() => latentGrid(one)).toThrow(/latentGrid: the VAE's latent size is 1: a grid needs at least 2 latent dimensions\./);
    expect(() => latentGrid(one, { label: 0 })).toThrow(/latent size is 1/);
    one.dispose();
  });
});
