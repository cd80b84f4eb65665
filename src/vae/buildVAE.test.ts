import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { GaussianSample } from './GaussianSample.js';
import { buildConvVAE } from './buildConvVAE.js';
import { buildVAE } from './buildVAE.js';

const shapes = (ts: tfl.SymbolicTensor[]) => ts.map((t) => t.shape);
const flat = (m: tfl.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));

describe('buildVAE', () => {
  it('builds encoder, decoder and vae with the documented shapes and parameter count', () => {
    const v = buildVAE({ inputShape: [28, 28, 1], latentDim: 2, hiddenUnits: [64, 32], seed: 1 });
    expect(shapes(v.encoder.inputs)).toEqual([[null, 28, 28, 1]]);
    expect(shapes(v.encoder.outputs)).toEqual([[null, 2], [null, 2]]);
    expect(shapes(v.decoder.inputs)).toEqual([[null, 2]]);
    expect(shapes(v.decoder.outputs)).toEqual([[null, 28, 28, 1]]);
    expect(shapes(v.vae.inputs)).toEqual([[null, 28, 28, 1]]);
    expect(shapes(v.vae.outputs)).toEqual([[null, 28, 28, 1]]);
    expect(v).toMatchObject({ latentDim: 2, numClasses: null, likelihood: 'bernoulli', variance: 1, beta: 1 });
    // Encoder 784·64+64 + 64·32+32 + 2·(32·2+2); decoder 2·32+32 + 32·64+64 + 64·784+784.
    expect(v.encoder.countParams()).toBe(784 * 64 + 64 + 64 * 32 + 32 + 2 * (32 * 2 + 2));
    expect(v.decoder.countParams()).toBe(2 * 32 + 32 + 32 * 64 + 64 + 64 * 784 + 784);
    // The vae shares its weights with the encoder and decoder.
    expect(v.vae.countParams()).toBe(v.encoder.countParams() + v.decoder.countParams());
    expect(v.vae.layers.some((l) => l instanceof GaussianSample)).toBe(true);
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 1);
    const [mean, logVar] = v.encoder.predict(x) as tf.Tensor[];
    const out = v.vae.predict(x) as tf.Tensor;
    expect(mean!.shape).toEqual([3, 2]);
    expect(logVar!.shape).toEqual([3, 2]);
    expect(out.shape).toEqual([3, 28, 28, 1]);
    tf.dispose([x, mean!, logVar!, out]);
    v.dispose();
  });

  it('a conditional VAE takes one-hot labels in both encoder and decoder', () => {
    const v = buildVAE({ inputShape: [6], latentDim: 3, hiddenUnits: [8], numClasses: 4, seed: 2 });
    expect(v.numClasses).toBe(4);
    expect(shapes(v.encoder.inputs)).toEqual([[null, 6], [null, 4]]);
    expect(shapes(v.decoder.inputs)).toEqual([[null, 3], [null, 4]]);
    expect(shapes(v.vae.inputs)).toEqual([[null, 6], [null, 4]]);
    // The label changes the decoder's output for the same z.
    const z = tf.zeros([2, 3]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1], 'int32'), 4));
    const out = v.decoder.predict([z, y]) as tf.Tensor;
    const [a, b] = tf.unstack(out);
    expect(Array.from(a!.dataSync())).not.toEqual(Array.from(b!.dataSync()));
    tf.dispose([z, y, out, a!, b!]);
    v.dispose();
  });

  it('is deterministic with a seed; different seeds give different weights; no two layers share weights', () => {
    const cfg = { inputShape: [5], latentDim: 2, hiddenUnits: [4, 4] };
    const a = buildVAE({ ...cfg, seed: 5 });
    const b = buildVAE({ ...cfg, seed: 5 });
    const c = buildVAE({ ...cfg, seed: 6 });
    expect(flat(a.encoder)).toEqual(flat(b.encoder));
    expect(flat(a.decoder)).toEqual(flat(b.decoder));
    expect(flat(a.encoder)).not.toEqual(flat(c.encoder));
    const k0 = a.encoder.getLayer('enc_dense1').getWeights()[0]!.dataSync();
    const k1 = a.decoder.getLayer('dec_dense0').getWeights()[0]!.dataSync();
    expect(Array.from(k0)).not.toEqual(Array.from(k1)); // both [4, 4]
    // The seeded vae model samples the same z on two builds.
    const x = tf.ones([2, 5]);
    const ra = a.vae.predict(x) as tf.Tensor;
    const rb = b.vae.predict(x) as tf.Tensor;
    expect(Array.from(ra.dataSync())).toEqual(Array.from(rb.dataSync()));
    tf.dispose([x, ra, rb]);
    for (const v of [a, b, c]) v.dispose();
  });

  it('frees every weight on dispose, and leaks nothing in a forward pass', () => {
    const before = tf.memory().numTensors;
    const v = buildVAE({ inputShape: [4], latentDim: 2, hiddenUnits: [3], numClasses: 3, seed: 1 });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    const x = tf.ones([2, 4]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3));
    const during = tf.memory().numTensors;
    tf.dispose(v.vae.predict([x, y]) as tf.Tensor);
    tf.dispose(v.encoder.predict([x, y]) as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(during);
    tf.dispose([x, y]);
    v.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects invalid configs, naming the field, before creating any variable', () => {
    const before = tf.memory().numTensors;
    expect(() => buildVAE({ inputShape: [4], latentDim: 2.5 })).toThrow(
      /^buildVAE: invalid `latentDim`: expected a positive integer, received 2\.5\.$/,
    );
    expect(() => buildVAE({ inputShape: [4], latentDim: 0 })).toThrow(/invalid `latentDim`: expected a positive integer, received 0/);
    expect(() => buildVAE({ inputShape: [4], numClasses: 1 })).toThrow(/buildVAE: invalid `numClasses`: expected an integer >= 2, received 1/);
    expect(() => buildVAE({ inputShape: [4], numClasses: 2.5 })).toThrow(/invalid `numClasses`: expected a positive integer, received 2\.5/);
    expect(() => buildVAE({ inputShape: [0] })).toThrow(/buildVAE: invalid `inputShape`: expected a non-empty array of positive integers, received \[0\]/);
    expect(() => buildVAE({ inputShape: [4], hiddenUnits: [8, -1] })).toThrow(/invalid `hiddenUnits\[1\]`: expected a positive integer, received -1/);
    expect(() => buildVAE({ inputShape: [4], variance: 0.5 })).toThrow(/invalid `variance`: expected no `variance` with likelihood 'bernoulli'/);
    expect(() => buildVAE({ inputShape: [4], likelihood: 'gaussian', variance: -1 })).toThrow(/invalid `variance`: expected a positive finite number, received -1/);
    expect(() => buildVAE({ inputShape: [4], beta: -1 })).toThrow(/invalid `beta`: expected a non-negative finite number, received -1/);
    // @ts-expect-error: misspelt field.
    expect(() => buildVAE({ inputShape: [4], latentDims: 2 })).toThrow(/buildVAE: unknown config field `latentDims`/);
    // @ts-expect-error: unknown activation.
    expect(() => buildVAE({ inputShape: [4], activation: 'gelu' })).toThrow(/invalid `activation`: expected one of 'relu'/);
    expect(() => buildConvVAE({ imageSize: 30 })).toThrow(/^buildConvVAE: invalid `imageSize`: expected a multiple of 4 \(2\^filters\.length, for 2 stride-2 layers\), received 30\.$/);
    expect(() => buildConvVAE({ latentDim: -2 })).toThrow(/buildConvVAE: invalid `latentDim`: expected a positive integer, received -2/);
    expect(() => buildConvVAE({ filters: [] })).toThrow(/invalid `filters`: expected a non-empty array/);
    expect(() => buildConvVAE({ numClasses: 0 })).toThrow(/buildConvVAE: invalid `numClasses`: expected a positive integer, received 0/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('buildConvVAE', () => {
  it('builds the Keras-example architecture at 28×28 with the documented shapes', () => {
    const v = buildConvVAE({ imageSize: 28, channels: 1, latentDim: 2, filters: [32, 64], seed: 1 });
    expect(shapes(v.encoder.outputs)).toEqual([[null, 2], [null, 2]]);
    expect(shapes(v.decoder.outputs)).toEqual([[null, 28, 28, 1]]);
    const kinds = (m: tfl.LayersModel) => m.layers.map((l) => l.getClassName());
    expect(kinds(v.encoder).filter((k) => k === 'Conv2D')).toHaveLength(2);
    expect(kinds(v.decoder).filter((k) => k === 'Conv2DTranspose')).toHaveLength(3);
    // Encoder: conv 3·3·1·32+32, conv 3·3·32·64+64, heads 2·(3136·2+2).
    expect(v.encoder.countParams()).toBe(3 * 3 * 32 + 32 + 3 * 3 * 32 * 64 + 64 + 2 * (3136 * 2 + 2));
    // Decoder: dense 2·3136+3136, deconv 3·3·64·64+64, 3·3·64·32+32, 3·3·32·1+1.
    expect(v.decoder.countParams()).toBe(2 * 3136 + 3136 + 9 * 64 * 64 + 64 + 9 * 64 * 32 + 32 + 9 * 32 + 1);
    const x = tf.zeros([2, 28, 28, 1]);
    const out = v.vae.predict(x) as tf.Tensor;
    expect(out.shape).toEqual([2, 28, 28, 1]);
    tf.dispose([x, out]);
    v.dispose();
  });

  it('builds conditional, RGB and three-level variants', () => {
    const v = buildConvVAE({ imageSize: 16, channels: 3, latentDim: 4, filters: [4, 8, 8], numClasses: 10, likelihood: 'gaussian', variance: 0.1, seed: 3 });
    expect(shapes(v.encoder.inputs)).toEqual([[null, 16, 16, 3], [null, 10]]);
    expect(shapes(v.decoder.inputs)).toEqual([[null, 4], [null, 10]]);
    expect(shapes(v.decoder.outputs)).toEqual([[null, 16, 16, 3]]);
    expect(v).toMatchObject({ likelihood: 'gaussian', variance: 0.1, numClasses: 10 });
    const x = tf.zeros([1, 16, 16, 3]);
    const y = tf.tidy(() => tf.oneHot(tf.tensor1d([3], 'int32'), 10));
    const before = tf.memory().numTensors;
    const out = v.vae.predict([x, y]) as tf.Tensor;
    expect(out.shape).toEqual([1, 16, 16, 3]);
    tf.dispose(out);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, y]);
    v.dispose();
  });
});
