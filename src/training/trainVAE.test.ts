import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { NonFiniteLossError } from '../_internal/errors.js';
import { buildConvVAE } from '../vae/buildConvVAE.js';
import { buildVAE } from '../vae/buildVAE.js';
import { registerWasmKernels } from '../wasm/registerWasmKernels.js';
import { trainVAE, type VAEEpochInfo, type VAEStepInfo } from './trainVAE.js';

/**
 * Binary vectors [N, 16]: each is one of 4 prototypes with 1 bit in 16 flipped
 * at random; its class is the prototype. Returns examples and labels.
 */
function prototypes(n: number, seed: number): { x: tf.Tensor2D; labels: number[] } {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const protos = [0, 1, 2, 3].map((p) => Array.from({ length: 16 }, (_, i) => ((i >> p) & 1)));
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    const row = [...protos[c]!];
    const flip = Math.floor(rand() * 16);
    row[flip] = 1 - row[flip]!;
    rows.push(row);
    labels.push(c);
  }
  return { x: tf.tensor2d(rows), labels };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe.each(BACKENDS)('trainVAE on %s', (backend) => {
  useBackend(backend);

  it('a dense VAE lowers the loss and raises the ELBO; reports consistent terms', async () => {
    const v = buildVAE({ inputShape: [16], latentDim: 2, hiddenUnits: [32], seed: 1 });
    const { x } = prototypes(256, 2);
    const steps: VAEStepInfo[] = [];
    const result = await trainVAE(v, x, {
      batchSize: 32,
      steps: 150,
      seed: 3,
      optimizer: tf.train.adam(1e-2),
      onStep: (info) => {
        steps.push(info);
      },
    });
    expect(result).toMatchObject({ steps: 150, stopReason: 'completed' });
    const h = result.history;
    // At initialization the decoder outputs logits near 0: about 16·ln 2 ≈ 11.1 nats.
    expect(h.reconstruction[0]!).toBeGreaterThan(8);
    expect(mean(h.loss.slice(-10))).toBeLessThan(0.6 * mean(h.loss.slice(0, 10)));
    expect(mean(h.elbo.slice(-10))).toBeGreaterThan(mean(h.elbo.slice(0, 10)));
    for (const s of steps) {
      expect(s.elbo).toBeCloseTo(-(s.reconstruction + s.kl), 4);
      expect(s.loss).toBeCloseTo(s.reconstruction + s.kl, 4); // β = 1
      expect(s.kl).toBeGreaterThanOrEqual(0);
    }
    x.dispose();
    v.dispose();
  });

  it('leaks no tensors: the count after 1 step equals the count after 30', async () => {
    const v = buildVAE({ inputShape: [16], latentDim: 2, hiddenUnits: [8], numClasses: 4, seed: 4 });
    const { x, labels } = prototypes(64, 5);
    const optimizer = tf.train.adam(1e-3);
    await trainVAE(v, { x, labels }, { batchSize: 16, steps: 1, seed: 1, optimizer, validationData: { x, labels } });
    const after1 = tf.memory().numTensors;
    await trainVAE(v, { x, labels }, { batchSize: 16, steps: 30, seed: 2, optimizer, validationData: { x, labels } });
    expect(tf.memory().numTensors).toBe(after1);
    x.dispose();
    optimizer.dispose();
    v.dispose();
  });

  it('trains a convolutional VAE, with no leaks after its first step (wasm with registerWasmKernels)', async () => {
    if (backend === 'wasm') expect(registerWasmKernels()).toBe(true);
    const v = buildConvVAE({ imageSize: 8, channels: 1, latentDim: 2, filters: [4, 8], seed: 1 });
    // Squares of 4 sizes at fixed places: [32, 8, 8, 1] in {0, 1}.
    const images = tf.tidy(() => {
      const all: tf.Tensor[] = [];
      for (let i = 0; i < 32; i++) {
        const k = 2 + (i % 4);
        all.push(tf.pad(tf.ones([k, k, 1]), [[1, 7 - k], [1, 7 - k], [0, 0]]));
      }
      return tf.stack(all);
    });
    const optimizer = tf.train.adam(1e-2);
    await trainVAE(v, images, { batchSize: 8, steps: 1, seed: 1, optimizer });
    const after1 = tf.memory().numTensors;
    const result = await trainVAE(v, images, { batchSize: 8, steps: 24, seed: 2, optimizer });
    expect(tf.memory().numTensors).toBe(after1);
    const l = result.history.loss;
    expect(l.every(Number.isFinite)).toBe(true);
    expect(mean(l.slice(-4))).toBeLessThan(0.8 * mean(l.slice(0, 4)));
    images.dispose();
    optimizer.dispose();
    v.dispose();
  });
});

describe('trainVAE', () => {
  it('is deterministic with a seed', async () => {
    const run = async (seed: number) => {
      const v = buildVAE({ inputShape: [16], latentDim: 2, hiddenUnits: [8], seed: 11 });
      const { x } = prototypes(64, 12);
      const r = await trainVAE(v, x, { batchSize: 16, steps: 6, seed });
      x.dispose();
      v.dispose();
      return r.history;
    };
    const a = await run(13);
    expect(await run(13)).toEqual(a);
    expect((await run(14)).loss).not.toEqual(a.loss);
  });

  it('applies β and the KL warm-up to the objective only; the ELBO stays β = 1', async () => {
    const v = buildVAE({ inputShape: [16], latentDim: 2, hiddenUnits: [8], seed: 20, beta: 2 });
    const { x } = prototypes(64, 21);
    const steps: VAEStepInfo[] = [];
    await trainVAE(v, x, { batchSize: 16, steps: 6, klWarmupSteps: 4, seed: 1, onStep: (s) => void steps.push(s) });
    // The VAE's beta (2) is the default; warm-up: 2·min(1, step/4).
    expect(steps.map((s) => s.beta)).toEqual([0, 0.5, 1, 1.5, 2, 2]);
    for (const s of steps) {
      expect(s.loss).toBeCloseTo(s.reconstruction + s.beta * s.kl, 4);
      expect(s.elbo).toBeCloseTo(-(s.reconstruction + s.kl), 4);
    }
    const over: VAEStepInfo[] = [];
    await trainVAE(v, x, { batchSize: 16, steps: 2, beta: 0.25, seed: 1, onStep: (s) => void over.push(s) });
    expect(over.map((s) => s.beta)).toEqual([0.25, 0.25]);
    x.dispose();
    v.dispose();
  });

  it('trains a conditional VAE on { x, labels }, reports epochs and validation', async () => {
    const v = buildVAE({ inputShape: [16], latentDim: 2, hiddenUnits: [16], numClasses: 4, seed: 30 });
    const train = prototypes(128, 31);
    const test = prototypes(32, 32);
    const epochs: VAEEpochInfo[] = [];
    const result = await trainVAE(v, { x: train.x, labels: train.labels }, {
      batchSize: 32, // 4 steps an epoch
      epochs: 3,
      seed: 1,
      optimizer: tf.train.adam(1e-2),
      validationData: { x: test.x, labels: tf.tensor1d(test.labels, 'int32') },
      onEpochEnd: (info) => void epochs.push(info),
    });
    expect(result).toMatchObject({ steps: 12, epochs: 3, stopReason: 'completed' });
    expect(epochs.map((e) => [e.epoch, e.steps])).toEqual([[0, 4], [1, 4], [2, 4]]);
    for (const e of epochs) {
      expect(e.validation).toBeDefined();
      expect(e.validation!.elbo).toBeCloseTo(-(e.validation!.reconstruction + e.validation!.kl), 4);
    }
    expect(result.validation).toEqual(epochs[2]!.validation);
    expect(epochs[2]!.validation!.elbo).toBeGreaterThan(epochs[0]!.validation!.elbo);
    tf.dispose([train.x, test.x]);
    v.dispose();
  });

  it('stops when aborted, after the current step', async () => {
    const v = buildVAE({ inputShape: [16], latentDim: 2, hiddenUnits: [8], seed: 40 });
    const { x } = prototypes(64, 41);
    const controller = new AbortController();
    const result = await trainVAE(v, x, {
      batchSize: 8,
      steps: 100,
      signal: controller.signal,
      onStep: ({ step }) => {
        if (step === 2) controller.abort();
      },
    });
    expect(result).toMatchObject({ steps: 3, stopReason: 'aborted' });
    x.dispose();
    v.dispose();
  });

  it('stops with an error naming the step when a loss is not finite, leaking nothing', async () => {
    const v = buildVAE({ inputShape: [4], latentDim: 2, hiddenUnits: [4], seed: 50 });
    const clean = tf.tensor2d([[0, 1, 0, 1], [1, 1, 0, 0]]);
    const bad = tf.tensor2d([[0, 1, 0, 1], [Number.NaN, 1, 0, 0]]);
    const optimizer = tf.train.adam(1e-3);
    await trainVAE(v, clean, { batchSize: 2, steps: 1, optimizer });
    const before = tf.memory().numTensors;
    const err = await trainVAE(v, bad, { batchSize: 2, steps: 3, optimizer }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as Error).message).toMatch(/^trainVAE: the reconstruction loss became NaN at step 0 \(epoch 0\)/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([clean, bad]);
    optimizer.dispose();
    v.dispose();
  });

  it('rejects labels outside numClasses, missing labels and bad options, with clear messages', async () => {
    const cond = buildVAE({ inputShape: [16], latentDim: 2, hiddenUnits: [4], numClasses: 4, seed: 60 });
    const plain = buildVAE({ inputShape: [16], latentDim: 2, hiddenUnits: [4], seed: 61 });
    const { x, labels } = prototypes(8, 62);
    const wrong = tf.zeros([8, 15]);
    const before = tf.memory().numTensors;
    await expect(trainVAE(cond, { x, labels: [0, 1, 2, 3, 4, 0, 1, 2] })).rejects.toThrow(
      /^trainVAE: invalid `data.labels`: expected integers in \[0, 3\] \(numClasses 4\), received 4 at index 4\.$/,
    );
    const negative = tf.tensor1d([0, 1, 2, 3, 0, 1, -1, 2]);
    await expect(trainVAE(cond, { x, labels: negative })).rejects.toThrow(/received -1 at index 6/);
    negative.dispose();
    await expect(trainVAE(cond, { x, labels: [0, 1] })).rejects.toThrow(/invalid `data.labels`: expected 8 class indices \(one per example\), received 2/);
    await expect(trainVAE(cond, x)).rejects.toThrow(/trainVAE: invalid `data`: the VAE is conditional \(numClasses 4\), so expected \{ x, labels \}, received a tensor \[8, 16\]/);
    await expect(trainVAE(plain, { x, labels })).rejects.toThrow(/invalid `data.labels`: the VAE is not conditional/);
    await expect(trainVAE(plain, x, { batchSize: 0 })).rejects.toThrow(/trainVAE: invalid `batchSize`: expected a positive integer, received 0/);
    await expect(trainVAE(plain, x, { epochs: 1, steps: 1 })).rejects.toThrow(/`epochs` and `steps` cannot be combined/);
    await expect(trainVAE(plain, x, { beta: -1 })).rejects.toThrow(/invalid `beta`: expected a non-negative finite number, received -1/);
    await expect(trainVAE(plain, x, { klWarmupSteps: 1.5 })).rejects.toThrow(/invalid `klWarmupSteps`: expected a non-negative integer/);
    await expect(trainVAE(plain, x, { optimizer: {} as never })).rejects.toThrow(/trainVAE: invalid `optimizer`: expected a tf\.Optimizer \(an object with an applyGradients function\), received \{\}/);
    await expect(trainVAE(plain, x, { onStep: 1 as never })).rejects.toThrow(/trainVAE: invalid `onStep`: expected a function, received 1/);
    await expect(trainVAE(plain, x, { onEpochEnd: null as never })).rejects.toThrow(/trainVAE: invalid `onEpochEnd`: expected a function, received null/);
    // @ts-expect-error: misspelt option.
    await expect(trainVAE(plain, x, { step: 3 })).rejects.toThrow(/trainVAE: unknown options field `step`/);
    await expect(trainVAE(plain, wrong, { batchSize: 4 })).rejects.toThrow(
      /trainVAE: invalid `data` batch shape at step 0: expected \[null, 16\] \(the encoder's input\), received \[4, 15\]/,
    );
    await expect(trainVAE(plain, x, { validationData: wrong })).rejects.toThrow(/invalid `validationData` shape: expected \[null, 16\]/);
    // @ts-expect-error: not a VAE.
    await expect(trainVAE({ encoder: plain.encoder }, x)).rejects.toThrow(/trainVAE: invalid `vae.decoder`: expected a tf.LayersModel, received undefined/);
    await expect(trainVAE({ encoder: plain.encoder, decoder: cond.decoder }, x)).rejects.toThrow(
      /invalid `vae.decoder`: expected inputs \[null, 2\] \(the encoder's latent size\), received \[null, 2\], \[null, 4\]/,
    );
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, wrong]);
    cond.dispose();
    plain.dispose();
  });
});
