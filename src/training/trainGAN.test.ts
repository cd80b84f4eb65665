import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { NonFiniteLossError } from '../_internal/errors.js';
import { buildDCGAN } from '../gan/buildDCGAN.js';
import { registerWasmKernels } from '../wasm/registerWasmKernels.js';
import { trainGAN, type GANStepInfo } from './trainGAN.js';

const TARGET = [2, -1];

/** A tiny dense GAN for 2-D points: fast on every backend. */
function mlpGAN(seed: number): { generator: tfl.LayersModel; discriminator: tfl.LayersModel } {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed + s });
  const generator = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [4], units: 16, activation: 'relu', kernelInitializer: init(1) }),
      tfl.layers.dense({ units: 2, kernelInitializer: init(2) }),
    ],
  });
  const discriminator = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [2], units: 16, kernelInitializer: init(3) }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      tfl.layers.dense({ units: 1, kernelInitializer: init(4) }),
    ],
  });
  return { generator, discriminator };
}

/** Real points ~ N(TARGET, 0.1²·I), [N, 2]. */
function points(n: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => tf.add(tf.mul(tf.randomNormal([n, 2], 0, 1, 'float32', seed), 0.1), tf.tensor1d(TARGET)));
}

/** Distance between the mean of 256 generated points and the target mean. */
function generatedMeanDistance(generator: tfl.LayersModel): number {
  return tf.tidy(() => {
    const fake = generator.predict(tf.randomNormal([256, 4], 0, 1, 'float32', 99)) as tf.Tensor;
    return tf.norm(tf.sub(tf.mean(fake, 0), tf.tensor1d(TARGET))).dataSync()[0]!;
  });
}

function disposeAll(...models: tfl.LayersModel[]): void {
  for (const m of models) m.dispose();
}

describe.each(BACKENDS)('trainGAN on %s', (backend) => {
  useBackend(backend);

  it('moves the generated distribution towards the data', async () => {
    const { generator, discriminator } = mlpGAN(1);
    const data = points(512, 2);
    const before = generatedMeanDistance(generator);
    await trainGAN({ generator, discriminator }, data, {
      batchSize: 64,
      steps: 150,
      seed: 3,
      generatorOptimizer: tf.train.adam(0.01, 0.5),
      discriminatorOptimizer: tf.train.adam(0.01, 0.5),
    });
    const after = generatedMeanDistance(generator);
    expect(before).toBeGreaterThan(1.5);
    expect(after).toBeLessThan(before / 3);
    data.dispose();
    disposeAll(generator, discriminator);
  });

  it('trains with the WGAN-GP loss (critic steps with a gradient penalty): the generated distribution moves towards the data', async () => {
    const { generator, discriminator } = mlpGAN(5);
    const data = points(512, 6);
    const before = generatedMeanDistance(generator);
    const result = await trainGAN({ generator, discriminator }, data, {
      loss: 'wgan-gp',
      batchSize: 64,
      steps: 120,
      discriminatorSteps: 3,
      seed: 7,
      generatorOptimizer: tf.train.adam(0.02, 0, 0.9),
      discriminatorOptimizer: tf.train.adam(0.02, 0, 0.9),
    });
    expect(result.history.discriminatorLoss.every(Number.isFinite)).toBe(true);
    expect(generatedMeanDistance(generator)).toBeLessThan(before / 2);
    data.dispose();
    disposeAll(generator, discriminator);
  });

  it('lowers the discriminator loss when the generator is frozen', async () => {
    const { generator, discriminator } = mlpGAN(4);
    const data = points(256, 5);
    const result = await trainGAN({ generator, discriminator }, data, {
      batchSize: 32,
      steps: 30,
      seed: 6,
      generatorOptimizer: tf.train.sgd(0),
      discriminatorOptimizer: tf.train.adam(0.01),
    });
    const d = result.history.discriminatorLoss;
    const first = (d[0]! + d[1]! + d[2]!) / 3;
    const last = (d[27]! + d[28]! + d[29]!) / 3;
    expect(last).toBeLessThan(first * 0.5);
    data.dispose();
    disposeAll(generator, discriminator);
  });

  it('leaks no tensors: the count after 1 step equals the count after 200', async () => {
    const { generator, discriminator } = mlpGAN(7);
    const data = points(128, 8);
    const generatorOptimizer = tf.train.adam(1e-3);
    const discriminatorOptimizer = tf.train.adam(1e-3);
    const common = { batchSize: 16, generatorOptimizer, discriminatorOptimizer };
    await trainGAN({ generator, discriminator }, data, { ...common, steps: 1, seed: 1 });
    const after1 = tf.memory().numTensors;
    await trainGAN({ generator, discriminator }, data, { ...common, steps: 200, seed: 2 });
    expect(tf.memory().numTensors).toBe(after1);
    data.dispose();
    generatorOptimizer.dispose();
    discriminatorOptimizer.dispose();
    disposeAll(generator, discriminator);
  });

  it('trains a DCGAN with no leaks after its first step (wasm with registerWasmKernels)', async () => {
    if (backend === 'wasm') expect(registerWasmKernels()).toBe(true);
    const { generator, discriminator } = buildDCGAN({
      imageSize: 8,
      channels: 1,
      latentDim: 8,
      generatorFilters: 4,
      discriminatorFilters: 4,
      seed: 1,
    });
    const images = tf.tidy(() => tf.tanh(tf.randomNormal([32, 8, 8, 1], 0, 1, 'float32', 2)));
    const generatorOptimizer = tf.train.adam(2e-4, 0.5);
    const discriminatorOptimizer = tf.train.adam(2e-3, 0.5);
    const common = { batchSize: 8, generatorOptimizer, discriminatorOptimizer };
    await trainGAN({ generator, discriminator }, images, { ...common, steps: 1, seed: 1 });
    const after1 = tf.memory().numTensors;
    const result = await trainGAN({ generator, discriminator }, images, { ...common, steps: 12, seed: 2 });
    expect(tf.memory().numTensors).toBe(after1);
    expect(result.steps).toBe(12);
    for (const v of [...result.history.discriminatorLoss, ...result.history.generatorLoss]) {
      expect(Number.isFinite(v)).toBe(true);
    }
    // The discriminator learns to separate: its loss falls from about 2·ln 2.
    const d = result.history.discriminatorLoss;
    expect(d[0]!).toBeGreaterThan(1.0);
    expect(d[11]!).toBeLessThan(d[0]!);
    images.dispose();
    generatorOptimizer.dispose();
    discriminatorOptimizer.dispose();
    disposeAll(generator, discriminator);
  });
});

describe('trainGAN', () => {

  it('is deterministic with a seed, in the current and the deprecated one-bag form alike', async () => {
    const run = async (form: 'current' | 'deprecated') => {
      const { generator, discriminator } = mlpGAN(11);
      const data = points(64, 12);
      const r =
        form === 'current'
          ? await trainGAN({ generator, discriminator }, data, { batchSize: 16, steps: 8, seed: 13 })
          : await trainGAN({ generator, discriminator, data, batchSize: 16, steps: 8, seed: 13 });
      data.dispose();
      disposeAll(generator, discriminator);
      return r.history;
    };
    const a = await run('current');
    expect(await run('current')).toEqual(a);
    expect(await run('deprecated')).toEqual(a);
    const { generator, discriminator } = mlpGAN(11);
    const data = points(64, 12);
    const c = await trainGAN({ generator, discriminator }, data, { batchSize: 16, steps: 8, seed: 14 });
    expect(c.history.generatorLoss).not.toEqual(a.generatorLoss);
    data.dispose();
    disposeAll(generator, discriminator);
  });

  it('runs discriminatorSteps per generator step and reports epochs', async () => {
    const { generator, discriminator } = mlpGAN(20);
    const data = points(64, 21);
    const steps: GANStepInfo[] = [];
    const epochs: number[] = [];
    const result = await trainGAN({ generator, discriminator }, data, {
      batchSize: 16, // 4 batches an epoch
      discriminatorSteps: 2, // so 2 generator steps an epoch
      epochs: 3,
      loss: 'wasserstein',
      onStep: (info) => {
        steps.push(info);
      },
      onEpochEnd: async (info) => {
        epochs.push(info.epoch);
        expect(info.steps).toBe(2);
      },
    });
    expect(result).toMatchObject({ steps: 6, epochs: 3, stopReason: 'completed' });
    expect(steps.map((s) => [s.step, s.epoch])).toEqual([[0, 0], [1, 0], [2, 1], [3, 1], [4, 2], [5, 2]]);
    expect(epochs).toEqual([0, 1, 2]);
    for (const s of steps) {
      // For the Wasserstein pair, L_D = E[D(G(z))] - E[D(x)] (mean over the 2 critic steps).
      expect(s.discriminatorLoss).toBeCloseTo(s.fakeScore - s.realScore, 5);
      expect(s.realProbability).toBeGreaterThan(0);
      expect(s.realProbability).toBeLessThan(1);
    }
    data.dispose();
    disposeAll(generator, discriminator);
  });

  it('accepts arrays of batches or examples, and sync and async iterables (disposing their batches)', async () => {
    const { generator, discriminator } = mlpGAN(30);
    const batches = [points(8, 1), points(8, 2)];
    const examples = [tf.tensor1d([2, -1]), tf.tensor1d([2.1, -0.9]), tf.tensor1d([1.9, -1.1]), tf.tensor1d([2, -1.2])];
    const models = { generator, discriminator };
    const base = {
      seed: 1,
      generatorOptimizer: tf.train.adam(1e-3),
      discriminatorOptimizer: tf.train.adam(1e-3),
    };
    // The first call creates the optimizers' state; after that the count must not move.
    expect((await trainGAN(models, batches, { ...base, epochs: 2 })).steps).toBe(4);
    const before = tf.memory().numTensors;
    expect((await trainGAN(models, examples, { ...base, batchSize: 2 })).steps).toBe(2);
    function* sync() {
      for (let i = 0; i < 3; i++) yield points(8, i);
    }
    async function* asyncBatches() {
      for (let i = 0; i < 3; i++) yield points(8, i);
    }
    expect((await trainGAN(models, sync(), base)).steps).toBe(3);
    // A one-shot iterable runs out: training stops and says so.
    const r = await trainGAN(models, asyncBatches(), { ...base, steps: 10 });
    expect(r).toMatchObject({ steps: 3, stopReason: 'data-exhausted' });
    // A re-iterable object is re-read each epoch.
    const reiterable = {
      *[Symbol.iterator]() {
        yield points(8, 9);
      },
    };
    expect((await trainGAN(models, reiterable, { ...base, steps: 3 })).steps).toBe(3);
    // Batches made by iterables were disposed; the caller's tensors were not.
    expect(tf.memory().numTensors).toBe(before);
    expect(batches.every((b) => !b.isDisposed)).toBe(true);
    expect(examples.every((e) => !e.isDisposed)).toBe(true);
    tf.dispose([...batches, ...examples]);
    base.generatorOptimizer.dispose();
    base.discriminatorOptimizer.dispose();
    disposeAll(generator, discriminator);
  });

  it('frees the optimizers it makes itself: repeated calls leak nothing', async () => {
    const { generator, discriminator } = mlpGAN(9);
    const data = points(128, 1);
    await trainGAN({ generator, discriminator }, data, { batchSize: 32, steps: 1, seed: 1 });
    const before = tf.memory().numTensors;
    await trainGAN({ generator, discriminator }, data, { batchSize: 32, steps: 2, seed: 1 });
    await trainGAN({ generator, discriminator }, data, { batchSize: 32, steps: 2, seed: 2, loss: 'wgan-gp' });
    await trainGAN({ generator, discriminator, data, batchSize: 32, steps: 2, seed: 2 }); // the deprecated form too
    expect(tf.memory().numTensors).toBe(before);
    data.dispose();
    disposeAll(generator, discriminator);
  });

  it('stops when aborted, after the current step', async () => {
    const { generator, discriminator } = mlpGAN(40);
    const data = points(64, 41);
    const controller = new AbortController();
    const result = await trainGAN({ generator, discriminator }, data, {
      batchSize: 8,
      steps: 100,
      signal: controller.signal,
      onStep: ({ step }) => {
        if (step === 2) controller.abort();
      },
    });
    expect(result).toMatchObject({ steps: 3, stopReason: 'aborted' });
    data.dispose();
    disposeAll(generator, discriminator);
  });

  it('stops with an error naming the step when a loss is not finite', async () => {
    const { generator, discriminator } = mlpGAN(50);
    const clean = tf.tensor2d([[0, 0], [0, 1], [1, 1], [2, 2]]);
    const data = tf.tensor2d([[0, 0], [Number.NaN, 1], [1, 1], [2, 2]]);
    const optimizers = { generatorOptimizer: tf.train.adam(1e-3), discriminatorOptimizer: tf.train.adam(1e-3) };
    // A clean step first creates the optimizers' state.
    await trainGAN({ generator, discriminator }, clean, { batchSize: 4, steps: 1, ...optimizers });
    const before = tf.memory().numTensors;
    const err = await trainGAN({ generator, discriminator }, data, { batchSize: 4, steps: 5, ...optimizers }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as Error).message).toMatch(/^trainGAN: the discriminator loss became NaN at step 0 \(epoch 0\)/);
    expect((err as NonFiniteLossError).step).toBe(0);
    // The error path leaves no batch or loss tensor behind.
    expect(tf.memory().numTensors).toBe(before);
    clean.dispose();
    optimizers.generatorOptimizer.dispose();
    optimizers.discriminatorOptimizer.dispose();
    data.dispose();
    disposeAll(generator, discriminator);
  });

  it('accepts a loss pair of functions', async () => {
    const { generator, discriminator } = mlpGAN(60);
    const data = points(32, 61);
    const calls = { d: 0, g: 0 };
    const result = await trainGAN({ generator, discriminator }, data, {
      batchSize: 16,
      steps: 2,
      loss: {
        discriminator: (real, fake) => {
          calls.d++;
          return tf.sub(tf.mean(fake), tf.mean(real)) as tf.Scalar;
        },
        generator: (fake) => {
          calls.g++;
          return tf.neg(tf.mean(fake)) as tf.Scalar;
        },
      },
    });
    expect(calls).toEqual({ d: 2, g: 2 });
    expect(result.steps).toBe(2);
    data.dispose();
    disposeAll(generator, discriminator);
  });

  it('rejects bad options with messages naming the field and values (deprecated one-bag form)', async () => {
    const { generator, discriminator } = mlpGAN(70);
    const data = points(32, 71);
    const base = { generator, discriminator, data };
    await expect(trainGAN({ ...base, epochs: 1, steps: 2 })).rejects.toThrow(
      /trainGAN: `epochs` and `steps` cannot be combined: received epochs 1 and steps 2/,
    );
    await expect(trainGAN({ ...base, batchSize: 0 })).rejects.toThrow(/trainGAN: invalid `batchSize`: expected a positive integer, received 0/);
    await expect(trainGAN({ ...base, batchSize: 64 })).rejects.toThrow(/invalid `batchSize`: expected at most the number of examples \(32\), received 64/);
    // @ts-expect-error: not a loss name.
    await expect(trainGAN({ ...base, loss: 'wgan' })).rejects.toThrow(/invalid `name`.*"wgan"/);
    await expect(trainGAN({ ...base, discriminatorSteps: 1.5 })).rejects.toThrow(/invalid `discriminatorSteps`/);
    const wrong = tf.zeros([4, 8, 3]);
    await expect(trainGAN({ ...base, data: [wrong] })).rejects.toThrow(
      /trainGAN: invalid `data` batch shape at step 0: expected \[null, 2\] \(the discriminator's input\), received \[4, 8, 3\]|invalid `data`.*\[4, 8, 3\]/,
    );
    const wrongWidth = tf.zeros([4, 3]);
    await expect(trainGAN({ ...base, data: [wrongWidth] })).rejects.toThrow(
      /trainGAN: invalid `data` batch shape at step 0: expected \[null, 2\] \(the discriminator's input\), received \[4, 3\]/,
    );
    // @ts-expect-error: misspelt option.
    await expect(trainGAN({ ...base, step: 3 })).rejects.toThrow(/trainGAN: unknown options field `step`/);
    const { generator: g8 } = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 2, discriminatorFilters: 2 });
    await expect(trainGAN({ ...base, generator: g8 })).rejects.toThrow(
      /generator's output shape \[null, 8, 8, 1\] does not match the discriminator's input shape \[null, 2\]/,
    );
    tf.dispose([data, wrong, wrongWidth]);
    disposeAll(generator, discriminator, g8);
  });

  it('rejects bad models, data and options in the current form, naming the field', async () => {
    const { generator, discriminator } = mlpGAN(80);
    const data = points(32, 81);
    const models = { generator, discriminator };
    await expect(trainGAN(models, data, { data } as never)).rejects.toThrow(/trainGAN: unknown options field `data`/);
    await expect(trainGAN(null as never, data)).rejects.toThrow(/trainGAN: invalid `models`/);
    await expect(trainGAN({ generator, discriminator: 3 } as never, data)).rejects.toThrow(/trainGAN: invalid `discriminator`: expected a tf\.LayersModel, received 3/);
    await expect(trainGAN(models, 'data' as never)).rejects.toThrow(/trainGAN: invalid `data`: expected a tf\.Tensor, an array of tf\.Tensors or an \(async\) iterable of batches, received "data"/);
    await expect(trainGAN(models, [7] as never)).rejects.toThrow(/trainGAN: invalid `data`: expected an array of tf\.Tensors, received an array of 7/);
    await expect(trainGAN(models, [data, 1] as never)).rejects.toThrow(/trainGAN: invalid `data\[1\]`: every tensor in the array must have rank 2 like data\[0\], received 1/);
    await expect(trainGAN(models, (function* () {})(), {})).rejects.toThrow(/trainGAN: invalid `data`: it yielded no batches/);
    await expect(trainGAN(models, (function* () { yield 'x'; })() as never)).rejects.toThrow(/trainGAN: invalid `data`: expected each batch to be a tf\.Tensor, received "x"/);
    await expect(trainGAN(models, data, { onStep: 'log' as never })).rejects.toThrow(/trainGAN: invalid `onStep`: expected a function, received "log"/);
    await expect(trainGAN(models, data, { onEpochEnd: {} as never })).rejects.toThrow(/trainGAN: invalid `onEpochEnd`: expected a function/);
    await expect(trainGAN(models, data, { generatorOptimizer: {} as never })).rejects.toThrow(/trainGAN: invalid `generatorOptimizer`: expected a tf\.Optimizer/);
    await expect(trainGAN(models, data, { discriminatorOptimizer: 'adam' as never })).rejects.toThrow(/trainGAN: invalid `discriminatorOptimizer`: expected a tf\.Optimizer/);
    await expect(trainGAN(models, data, { shuffle: 1 as never })).rejects.toThrow(/trainGAN: invalid `shuffle`/);
    data.dispose();
    disposeAll(generator, discriminator);
  });
});
