// Every training loop and sampler that throws mid-call leaves `tf.memory().numTensors`
// as it found it: a callback that throws, a loss that throws or turns NaN, bad data
// found mid-run, an optimizer or a model that fails inside a step. The default
// optimizers a loop makes (and their slots) count too: the loop disposes them.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NonFiniteLossError } from '../src/errors.js';
import { buildTransformerLM } from '../src/attention/buildTransformerLM.js';
import { buildWaveNet } from '../src/audio/buildWaveNet.js';
import { generateAudio } from '../src/audio/generateAudio.js';
import { buildCycleGAN, type CycleGAN } from '../src/gan/buildCycleGAN.js';
import { sampleGAN } from '../src/gan/sampleGAN.js';
import { generate } from '../src/sampling/generate.js';
import { evaluateLanguageModel } from '../src/training/evaluateLanguageModel.js';
import { trainCycleGAN } from '../src/training/trainCycleGAN.js';
import { trainGAN } from '../src/training/trainGAN.js';
import { trainLanguageModel } from '../src/training/trainLanguageModel.js';
import { trainVAE } from '../src/training/trainVAE.js';
import { trainWaveNet } from '../src/training/trainWaveNet.js';
import { buildVAE } from '../src/vae/buildVAE.js';

/** Asserts that `call` rejects with `error` and leaves the tensor count as it found it. */
async function expectRejectsWithoutLeak(call: () => Promise<unknown>, error: RegExp | (new (...args: never[]) => Error)): Promise<void> {
  const before = tf.memory().numTensors;
  await expect(call()).rejects.toThrow(error);
  expect(tf.memory().numTensors).toBe(before);
}

/** A duck-typed optimizer: Adam, whose update throws on the `failAt`-th call (after the loss and its gradients were computed). */
function failingOptimizer(failAt: number): { optimizer: tf.Optimizer; dispose(): void } {
  const adam = tf.train.adam(1e-3);
  let calls = 0;
  const optimizer = {
    applyGradients(grads: tf.NamedTensorMap) {
      if (++calls === failAt) throw new Error('optimizer failed inside the step');
      adam.applyGradients(grads as Parameters<typeof adam.applyGradients>[0]);
    },
  } as unknown as tf.Optimizer;
  return { optimizer, dispose: () => adam.dispose() };
}

/** A sync iterable of `good` batches, then one `bad` batch: bad data found at step `good`. */
function* thenBad(good: number, batch: () => tf.Tensor, bad: () => tf.Tensor): Generator<tf.Tensor> {
  for (let i = 0; i < good; i++) yield batch();
  yield bad();
}

describe('trainGAN leaves no tensor behind when it throws', () => {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: s });
  const generator = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: init(1) }), tfl.layers.dense({ units: 2, kernelInitializer: init(2) })],
  });
  const discriminator = tfl.sequential({
    layers: [tfl.layers.dense({ inputShape: [2], units: 8, activation: 'relu', kernelInitializer: init(3) }), tfl.layers.dense({ units: 1, kernelInitializer: init(4) })],
  });
  const models = { generator, discriminator };
  const data = tf.randomNormal([32, 2], 0, 1, 'float32', 5);
  const options = { batchSize: 8, steps: 3, seed: 1 };

  beforeAll(async () => {
    await trainGAN(models, data, { ...options, steps: 1 }); // builds what tfjs builds once
  });
  afterAll(() => {
    data.dispose();
    generator.dispose();
    discriminator.dispose();
  });

  it('when onStep throws (default optimizers included)', async () => {
    const onStep = ({ step }: { step: number }) => {
      if (step === 1) throw new Error('callback failed');
    };
    await expectRejectsWithoutLeak(() => trainGAN(models, data, { ...options, onStep }), /callback failed/);
    await expectRejectsWithoutLeak(() => trainGAN({ ...models, data, ...options, onStep }), /callback failed/);
  });

  it('when onEpochEnd throws', async () => {
    const onEpochEnd = () => {
      throw new Error('epoch callback failed');
    };
    await expectRejectsWithoutLeak(() => trainGAN(models, data, { batchSize: 8, epochs: 2, onEpochEnd }), /epoch callback failed/);
  });

  it('when a custom discriminator or generator loss throws, at the first step or later', async () => {
    for (const failAt of [1, 2]) {
      let d = 0;
      let g = 0;
      const throwingD = {
        discriminator: (real: tf.Tensor, fake: tf.Tensor) => {
          const loss = tf.sub(tf.mean(fake), tf.mean(real)) as tf.Scalar;
          if (++d === failAt) throw new Error('discriminator loss failed');
          return loss;
        },
        generator: (fake: tf.Tensor) => tf.neg(tf.mean(fake)) as tf.Scalar,
      };
      await expectRejectsWithoutLeak(() => trainGAN(models, data, { ...options, loss: throwingD }), /discriminator loss failed/);
      const throwingG = {
        discriminator: throwingD.discriminator,
        generator: (fake: tf.Tensor) => {
          const loss = tf.neg(tf.mean(fake)) as tf.Scalar;
          if (++g === failAt) throw new Error('generator loss failed');
          return loss;
        },
      };
      d = -100;
      await expectRejectsWithoutLeak(() => trainGAN(models, data, { ...options, loss: throwingG }), /generator loss failed/);
    }
  });

  it('when an iterable yields a wrong-shaped batch at step 2, or bad data is found before the first step', async () => {
    const iterable = () => thenBad(2, () => tf.randomNormal([8, 2]), () => tf.zeros([8, 3]));
    await expectRejectsWithoutLeak(() => trainGAN(models, iterable(), { steps: 5 }), /trainGAN: invalid `data` batch shape at step 2: expected \[null, 2\].*received \[8, 3\]/);
    const mixed = [tf.zeros([8, 2]), tf.zeros([8])];
    await expectRejectsWithoutLeak(() => trainGAN(models, mixed, { steps: 1 }), /trainGAN: invalid `data\[1\]`/);
    await expectRejectsWithoutLeak(() => trainGAN(models, [1, 2] as unknown as tf.Tensor[], { steps: 1 }), /trainGAN: invalid `data`/);
    tf.dispose(mixed);
  });

  it('when an optimizer fails inside a step (with the tape holding saved tensors)', async () => {
    const failing = failingOptimizer(2);
    await trainGAN(models, data, { ...options, steps: 1, generatorOptimizer: failing.optimizer }); // makes its state
    await expectRejectsWithoutLeak(() => trainGAN(models, data, { ...options, generatorOptimizer: failing.optimizer }), /optimizer failed/);
    failing.dispose();
  });

  it('when a loss becomes NaN (last: it spoils the weights)', async () => {
    const nan = {
      discriminator: (real: tf.Tensor, fake: tf.Tensor) => tf.mul(tf.sub(tf.mean(fake), tf.mean(real)), NaN) as tf.Scalar,
      generator: (fake: tf.Tensor) => tf.mul(tf.mean(fake), NaN) as tf.Scalar,
    };
    await expectRejectsWithoutLeak(() => trainGAN(models, data, { ...options, loss: nan }), NonFiniteLossError);
  });
});

describe('trainCycleGAN leaves no tensor behind when it throws', () => {
  let cycleGAN: CycleGAN;
  const a = tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 1);
  const b = tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 2);
  const options = { batchSize: 2, steps: 3, poolSize: 2, seed: 1 };

  beforeAll(async () => {
    cycleGAN = buildCycleGAN({ imageSize: 8, channels: 1, residualBlocks: 1, generatorFilters: 2, discriminatorFilters: 2, seed: 1 });
    await trainCycleGAN(cycleGAN, { a, b }, { ...options, steps: 1 });
  });
  afterAll(() => {
    tf.dispose([a, b]);
    for (const m of [cycleGAN.generatorAB, cycleGAN.generatorBA, cycleGAN.discriminatorA, cycleGAN.discriminatorB]) m.dispose();
  });

  it('when onStep or onEpochEnd throws (default optimizers and pools included)', async () => {
    const onStep = ({ step }: { step: number }) => {
      if (step === 1) throw new Error('callback failed');
    };
    await expectRejectsWithoutLeak(() => trainCycleGAN(cycleGAN, { a, b }, { ...options, onStep }), /callback failed/);
    await expectRejectsWithoutLeak(() => trainCycleGAN({ ...cycleGAN, dataA: a, dataB: b, ...options, onStep }), /callback failed/);
    const onEpochEnd = () => {
      throw new Error('epoch callback failed');
    };
    await expectRejectsWithoutLeak(() => trainCycleGAN(cycleGAN, { a, b }, { batchSize: 2, epochs: 1, onEpochEnd }), /epoch callback failed/);
  });

  it('when domain B yields a wrong-shaped batch at step 2, naming the field of the form used', async () => {
    const iterable = () => thenBad(2, () => tf.zeros([2, 8, 8, 1]), () => tf.zeros([2, 4, 4, 1]));
    await expectRejectsWithoutLeak(
      () => trainCycleGAN(cycleGAN, { a, b: iterable() }, { ...options, steps: 5 }),
      /trainCycleGAN: invalid `data.b` batch shape at step 2: expected \[null, 8, 8, 1\] \(the models' images\), received \[2, 4, 4, 1\]/,
    );
    await expectRejectsWithoutLeak(
      () => trainCycleGAN({ ...cycleGAN, dataA: a, dataB: iterable(), ...options, steps: 5 }),
      /trainCycleGAN: invalid `dataB` batch shape at step 2/,
    );
    await expectRejectsWithoutLeak(() => trainCycleGAN(cycleGAN, { a, b: [] }, options), /trainCycleGAN: invalid `data.b`: the array is empty/);
    await expectRejectsWithoutLeak(() => trainCycleGAN(cycleGAN, { a, b: [] as tf.Tensor[][] as never }, options), /invalid `data.b`/);
  });

  it('when the generator optimizer fails inside a step', async () => {
    const failing = failingOptimizer(2);
    await trainCycleGAN(cycleGAN, { a, b }, { ...options, steps: 1, generatorOptimizer: failing.optimizer }); // makes its state
    await expectRejectsWithoutLeak(() => trainCycleGAN(cycleGAN, { a, b }, { ...options, generatorOptimizer: failing.optimizer }), /optimizer failed/);
    failing.dispose();
  });
});

describe('trainVAE leaves no tensor behind when it throws', () => {
  const vae = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], seed: 1 });
  const x = tf.cast(tf.greater(tf.randomUniform([16, 6], 0, 1, 'float32', 3), 0.5), 'float32');
  const options = { batchSize: 4, steps: 3, seed: 1 };

  beforeAll(async () => {
    await trainVAE(vae, x, { ...options, steps: 1 });
  });
  afterAll(() => {
    x.dispose();
    vae.dispose();
  });

  it('when onStep throws, a batch is wrong at step 2, the optimizer fails, or a loss becomes NaN', async () => {
    const onStep = ({ step }: { step: number }) => {
      if (step === 1) throw new Error('callback failed');
    };
    await expectRejectsWithoutLeak(() => trainVAE(vae, x, { ...options, onStep }), /callback failed/);
    const iterable = thenBad(2, () => tf.zeros([4, 6]), () => tf.zeros([4, 5]));
    await expectRejectsWithoutLeak(() => trainVAE(vae, iterable, { steps: 5 }), /trainVAE: invalid `data` batch shape at step 2: expected \[null, 6\] \(the encoder's input\), received \[4, 5\]/);
    const failing = failingOptimizer(2);
    await trainVAE(vae, x, { ...options, steps: 1, optimizer: failing.optimizer }); // makes its state
    await expectRejectsWithoutLeak(() => trainVAE(vae, x, { ...options, optimizer: failing.optimizer }), /optimizer failed/);
    failing.dispose();
    const badValidation = tf.zeros([2, 5]);
    await expectRejectsWithoutLeak(() => trainVAE(vae, x, { ...options, validationData: badValidation }), /validationData/);
    badValidation.dispose();
    // Last: a NaN step spoils the weights.
    const nan = tf.fill([16, 6], NaN);
    await expectRejectsWithoutLeak(() => trainVAE(vae, nan, options), NonFiniteLossError);
    nan.dispose();
  });
});

describe('the next-token loops and evaluateLanguageModel leave no tensor behind when they throw', () => {
  const lm = buildTransformerLM({ vocabSize: 9, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 1 });
  const tokens = Array.from({ length: 100 }, (_, i) => (i * 7) % 9);
  const net = buildWaveNet({ residualChannels: 4, skipChannels: 8, dilations: [1, 2], seed: 1 });
  const audio = Float32Array.from({ length: 300 }, (_, i) => 0.5 * Math.sin(i / 5));

  beforeAll(async () => {
    await trainLanguageModel(lm, tokens, { steps: 1, batchSize: 2, seed: 1 });
    await trainWaveNet(net, audio, { steps: 1, batchSize: 2, contextLength: 32, seed: 1 });
  });
  afterAll(() => {
    lm.dispose();
    net.dispose();
  });

  it('trainLanguageModel: labelSmoothing 1.5 is refused before training; a callback or the optimizer failing mid-run', async () => {
    await expectRejectsWithoutLeak(() => trainLanguageModel(lm, tokens, { steps: 2, labelSmoothing: 1.5 }), /trainLanguageModel: invalid `labelSmoothing`: expected a number in \[0, 1\), received 1.5/);
    const onStep = ({ step }: { step: number }) => {
      if (step === 1) throw new Error('callback failed');
    };
    await expectRejectsWithoutLeak(() => trainLanguageModel(lm, tokens, { steps: 3, batchSize: 2, onStep }), /callback failed/);
    const failing = failingOptimizer(2);
    await trainLanguageModel(lm, tokens, { steps: 1, batchSize: 2, optimizer: failing.optimizer }); // makes its state
    await expectRejectsWithoutLeak(() => trainLanguageModel(lm, tokens, { steps: 3, batchSize: 2, optimizer: failing.optimizer }), /optimizer failed/);
    failing.dispose();
  });

  it('trainWaveNet: a callback or the optimizer failing mid-run', async () => {
    const onStep = ({ step }: { step: number }) => {
      if (step === 1) throw new Error('callback failed');
    };
    await expectRejectsWithoutLeak(() => trainWaveNet(net, audio, { steps: 3, batchSize: 2, contextLength: 32, onStep }), /callback failed/);
    const failing = failingOptimizer(2);
    await trainWaveNet(net, audio, { steps: 1, batchSize: 2, contextLength: 32, optimizer: failing.optimizer }); // makes its state
    await expectRejectsWithoutLeak(() => trainWaveNet(net, audio, { steps: 3, batchSize: 2, contextLength: 32, optimizer: failing.optimizer }), /optimizer failed/);
    failing.dispose();
  });

  it('evaluateLanguageModel: a model that fails on its second batch', async () => {
    const apply = lm.apply.bind(lm);
    let calls = 0;
    lm.apply = ((inputs, kwargs) => {
      if (++calls === 2) throw new Error('model failed');
      return apply(inputs, kwargs);
    }) as typeof lm.apply;
    try {
      await expectRejectsWithoutLeak(() => evaluateLanguageModel(lm, tokens, { batchSize: 2 }), /model failed/);
    } finally {
      lm.apply = apply;
    }
  });
});

describe('the samplers leave no tensor behind when they throw', () => {
  const lm = buildTransformerLM({ vocabSize: 9, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 1 });
  const net = buildWaveNet({ residualChannels: 4, skipChannels: 8, dilations: [1, 2], seed: 1 });
  afterAll(() => {
    lm.dispose();
    net.dispose();
  });

  it('generate: onToken throwing (caches held), a refused model or option', async () => {
    await generate(lm, [1, 2], { maxNewTokens: 2, seed: 1 });
    const onToken = (_: number, i: number) => {
      if (i === 2) throw new Error('callback failed');
    };
    await expectRejectsWithoutLeak(() => generate(lm, [1, 2], { maxNewTokens: 5, seed: 1, onToken }), /callback failed/);
    await expectRejectsWithoutLeak(() => generate(lm, [1, 2], { maxNewTokens: 12, seed: 1, useCache: false, onToken }), /callback failed/);
    const dense = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3 })] });
    await expectRejectsWithoutLeak(() => generate(dense, [1, 2], { maxNewTokens: 2, useCache: true }), /generate: `useCache` needs a model built by buildTransformerLM/);
    // The model itself refuses the window (tfjs-layers' input check).
    await expectRejectsWithoutLeak(() => generate(dense, [1, 2], { maxNewTokens: 2 }), /expected .* to have shape \[null,4\]/);
    dense.dispose();
    await expectRejectsWithoutLeak(() => generate(lm, [1, 2], { maxNewTokens: 2, onToken: 3 as never }), /generate: invalid `onToken`: expected a function, received 3/);
  });

  it('generateAudio: onProgress throwing, on both methods; onProgress that is not a function', async () => {
    for (const method of ['fast', 'naive'] as const) {
      const onProgress = () => {
        throw new Error('progress failed');
      };
      await expectRejectsWithoutLeak(() => generateAudio(net, { length: 10, seed: 1, method, onProgress }), /progress failed/);
    }
    await expectRejectsWithoutLeak(() => generateAudio(net, { length: 10, onProgress: 'no' as never }), /generateAudio: invalid `onProgress`: expected a function, received "no"/);
  });

  it('sampleGAN: a generator that fails', () => {
    const generator = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 2 })] });
    const predict = generator.predict.bind(generator);
    generator.predict = ((x, args) => {
      predict(x, args);
      throw new Error('generator failed');
    }) as typeof generator.predict;
    const before = tf.memory().numTensors;
    expect(() => sampleGAN(generator, 3, { seed: 1 })).toThrow(/generator failed/);
    expect(tf.memory().numTensors).toBe(before);
    generator.dispose();
  });
});
