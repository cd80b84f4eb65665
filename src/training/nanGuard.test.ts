// The NaN guard runs before the update: a loss or a gradient that is NaN at
// step k stops every loop with a NonFiniteLossError naming the step and the
// part, and leaves the weights (batch-norm statistics included) and the
// optimizer's state bit-identical to those of a run that stopped after step
// k - 1.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { NonFiniteLossError } from '../_internal/errors.js';
import { buildTransformerLM } from '../attention/buildTransformerLM.js';
import { buildWaveNet } from '../audio/buildWaveNet.js';
import { buildCycleGAN } from '../gan/buildCycleGAN.js';
import { buildDCGAN } from '../gan/buildDCGAN.js';
import { generate } from '../sampling/generate.js';
import { buildVAE } from '../vae/buildVAE.js';
import { trainCycleGAN } from './trainCycleGAN.js';
import { trainGAN } from './trainGAN.js';
import { trainLanguageModel } from './trainLanguageModel.js';
import { trainVAE } from './trainVAE.js';
import { trainWaveNet } from './trainWaveNet.js';

const K = 2; // the step that turns NaN (zero-based): steps 0 … K-1 are finite

/** Every weight of `models` (trainable and not) and of `optimizers`, as plain arrays. */
async function snapshot(models: readonly tfl.LayersModel[], optimizers: readonly tf.Optimizer[]): Promise<number[][]> {
  const optimizerWeights = (await Promise.all(optimizers.map((o) => o.getWeights()))).flat(); // each `iter` is a new scalar
  const tensors = [...models.flatMap((m) => m.getWeights()), ...optimizerWeights.map((w) => w.tensor)];
  const values = await Promise.all(tensors.map(async (t) => Array.from(await t.data())));
  tf.dispose(optimizerWeights.filter((w) => w.name === 'iter').map((w) => w.tensor));
  return values;
}

/** Makes `model.apply` return NaN (its output times NaN) from its `from`-th call on (1-based). */
function nanFromCall(model: tfl.LayersModel, from: number): void {
  const apply = model.apply.bind(model);
  let calls = 0;
  model.apply = ((inputs, kwargs) => {
    const out = apply(inputs, kwargs) as tf.Tensor;
    return ++calls >= from ? tf.mul(out, NaN) : out;
  }) as typeof model.apply;
}

/** A one-shot iterable of `k` finite batches from `make(i)`, then a batch of NaN. */
function* finiteThenNaN(k: number, make: (i: number) => tf.Tensor): Generator<tf.Tensor> {
  for (let i = 0; i < k; i++) yield make(i);
  const last = make(k);
  yield tf.fill(last.shape, NaN);
  last.dispose();
}

/**
 * Runs `train(models, [optimizer, optimizer2], failing)` on fresh models twice:
 * stopping after K steps, and with the loss turning NaN at step K; expects the
 * second to throw `message` and to leave the same weights and optimizer state
 * as the first. (A tfjs Adam keeps its state by the position of a variable in
 * the update, so each optimizer serves one variable list.)
 */
async function expectStoppedAtLastFinite(
  make: () => { models: tfl.LayersModel[]; dispose(): void },
  train: (models: tfl.LayersModel[], optimizers: [tf.Optimizer, tf.Optimizer], failing: boolean) => Promise<unknown>,
  message: RegExp,
): Promise<void> {
  const reference = make();
  const stopped = make();
  const optimizers: [tf.Optimizer, tf.Optimizer][] = [0, 1].map(() => [tf.train.adam(1e-2), tf.train.adam(1e-2)]);
  try {
    await train(reference.models, optimizers[0]!, false);
    const err = await train(stopped.models, optimizers[1]!, true).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as Error).message).toMatch(message);
    expect((err as NonFiniteLossError).step).toBe(K);
    expect(await snapshot(stopped.models, optimizers[1]!)).toEqual(await snapshot(reference.models, optimizers[0]!));
  } finally {
    for (const o of optimizers.flat()) o.dispose();
    reference.dispose();
    stopped.dispose();
  }
}

describe('the NaN guard leaves the weights of the last finite step', () => {
  it('trainGAN: a discriminator loss NaN at step K (batch-norm statistics of both models included)', async () => {
    const data = tf.randomUniform([32, 8, 8, 1], -1, 1, 'float32', 3);
    const make = () => {
      const gan = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 4, discriminatorFilters: 4, seed: 1 });
      return { models: [gan.generator, gan.discriminator], dispose: () => gan.dispose() };
    };
    await expectStoppedAtLastFinite(
      make,
      (models, [gOptimizer, dOptimizer], failing) => {
        let calls = 0;
        const loss = {
          discriminator: (real: tf.Tensor, fake: tf.Tensor) => {
            const l = tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))) as tf.Scalar;
            return ++calls > K && failing ? (tf.mul(l, NaN) as tf.Scalar) : l;
          },
          generator: (fake: tf.Tensor) => tf.mean(tf.softplus(tf.neg(fake))) as tf.Scalar,
        };
        const [generator, discriminator] = models as [tfl.LayersModel, tfl.LayersModel];
        return trainGAN({ generator, discriminator }, data, { loss, batchSize: 8, steps: failing ? K + 2 : K, seed: 1, generatorOptimizer: gOptimizer, discriminatorOptimizer: dOptimizer });
      },
      /^trainGAN: the discriminator loss became NaN at step 2 \(epoch 0\); training stopped before the update/,
    );
    data.dispose();
  });

  it('trainGAN: a generator gradient NaN while its loss is finite, naming the variable', async () => {
    const init = { seed: 1, imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 4, discriminatorFilters: 4 };
    const gan = buildDCGAN(init);
    const data = tf.randomUniform([32, 8, 8, 1], -1, 1, 'float32', 3);
    let calls = 0;
    const loss = {
      discriminator: (real: tf.Tensor, fake: tf.Tensor) => tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))) as tf.Scalar,
      // 0 · √(x − x) is 0, but its gradient is 0 · ∞ = NaN.
      generator: (fake: tf.Tensor) => {
        const l = tf.mean(tf.softplus(tf.neg(fake)));
        return (++calls > K ? tf.add(l, tf.mul(0, tf.sum(tf.sqrt(tf.sub(fake, fake))))) : l) as tf.Scalar;
      },
    };
    const before = tf.memory().numTensors;
    // Trainable only: the discriminator's update of step K ran (and moved the generator's batch-norm statistics).
    const trainable = () => Promise.all(gan.generator.trainableWeights.map(async (w) => Array.from(await w.read().data())));
    let generatorWeights: number[][] = [];
    const err = await trainGAN(gan, data, {
      loss,
      batchSize: 8,
      steps: K + 2,
      seed: 1,
      onStep: async ({ step }) => {
        if (step === K - 1) generatorWeights = await trainable();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as Error).message).toMatch(/^trainGAN: the gradient of `[^`]+` \(of the generator loss\) became NaN or infinite at step 2 \(epoch 0\)/);
    expect(tf.memory().numTensors).toBe(before);
    expect(generatorWeights).toHaveLength(gan.generator.trainableWeights.length);
    expect(await trainable()).toEqual(generatorWeights);
    data.dispose();
    gan.dispose();
  });

  it('trainCycleGAN: a batch of NaN at step K', async () => {
    const b = tf.randomUniform([2, 8, 8, 1], -1, 1, 'float32', 2);
    const make = () => {
      const c = buildCycleGAN({ imageSize: 8, channels: 1, residualBlocks: 1, generatorFilters: 2, discriminatorFilters: 2, seed: 1 });
      const models = [c.generatorAB, c.generatorBA, c.discriminatorA, c.discriminatorB];
      return { models, dispose: () => models.forEach((m) => m.dispose()) };
    };
    await expectStoppedAtLastFinite(
      make,
      (models, [gOptimizer, dOptimizer], failing) => {
        const [generatorAB, generatorBA, discriminatorA, discriminatorB] = models as [tfl.LayersModel, tfl.LayersModel, tfl.LayersModel, tfl.LayersModel];
        const batchA = (i: number) => tf.randomUniform([1, 8, 8, 1], -1, 1, 'float32', 10 + i);
        const a = failing ? finiteThenNaN(K, batchA) : Array.from({ length: K }, (_, i) => batchA(i))[Symbol.iterator]();
        return trainCycleGAN({ generatorAB, generatorBA, discriminatorA, discriminatorB }, { a, b }, { batchSize: 1, steps: K + 1, poolSize: 2, seed: 1, generatorOptimizer: gOptimizer, discriminatorOptimizer: dOptimizer });
      },
      /^trainCycleGAN: the generator loss became NaN at step 2 \(epoch 0\)/,
    );
    b.dispose();
  });

  it('trainVAE: a batch of NaN at step K', async () => {
    const make = () => {
      const vae = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], seed: 1 });
      return { models: [vae.encoder, vae.decoder], dispose: () => vae.dispose() };
    };
    await expectStoppedAtLastFinite(
      make,
      ([encoder, decoder], [optimizer], failing) => {
        const batch = (i: number) => tf.cast(tf.greater(tf.randomUniform([4, 6], 0, 1, 'float32', 20 + i), 0.5), 'float32');
        const data = failing ? finiteThenNaN(K, batch) : Array.from({ length: K }, (_, i) => batch(i))[Symbol.iterator]();
        return trainVAE({ encoder: encoder!, decoder: decoder! }, data, { steps: K + 1, seed: 1, optimizer });
      },
      /^trainVAE: the reconstruction loss became NaN at step 2 \(epoch 0\)/,
    );
  });

  it('trainLanguageModel: logits NaN at step K; generate then samples from the last finite weights', async () => {
    const tokens = Array.from({ length: 200 }, (_, i) => (i * 7) % 9);
    const lms: tfl.LayersModel[] = [];
    const make = () => {
      const lm = buildTransformerLM({ vocabSize: 9, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 1 });
      lms.push(lm);
      return { models: [lm], dispose: () => {} };
    };
    await expectStoppedAtLastFinite(
      make,
      ([lm], [optimizer], failing) => {
        if (failing) nanFromCall(lm!, K + 1);
        return trainLanguageModel(lm!, tokens, { steps: failing ? K + 2 : K, batchSize: 2, seed: 1, optimizer }).finally(() => delete (lm as { apply?: unknown }).apply);
      },
      /^trainLanguageModel: the loss became NaN at step 2 \(epoch 0\)/,
    );
    const [reference, stopped] = await Promise.all(lms.map((lm) => generate(lm, [1, 2], { maxNewTokens: 6, seed: 3 })));
    expect(stopped).toEqual(reference);
    const logits = tf.tidy(() => tf.all(tf.isFinite(lms[1]!.predict(tf.tensor2d([[1, 2, 3]], [1, 3], 'int32')) as tf.Tensor)));
    expect(await logits.data()).toEqual(new Uint8Array([1]));
    logits.dispose();
    for (const lm of lms) lm.dispose();
  });

  it('trainWaveNet: logits NaN at step K', async () => {
    const audio = Float32Array.from({ length: 300 }, (_, i) => 0.5 * Math.sin(i / 5));
    const make = () => {
      const net = buildWaveNet({ residualChannels: 4, skipChannels: 8, dilations: [1, 2], seed: 1 });
      return { models: [net], dispose: () => net.dispose() };
    };
    await expectStoppedAtLastFinite(
      make,
      ([net], [optimizer], failing) => {
        if (failing) nanFromCall(net!, K + 1);
        return trainWaveNet(net!, audio, { steps: failing ? K + 2 : K, batchSize: 2, contextLength: 32, seed: 1, optimizer });
      },
      /^trainWaveNet: the loss became NaN at step 2 \(epoch 0\)/,
    );
  });
});
