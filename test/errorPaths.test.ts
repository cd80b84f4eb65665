// No leak on any path (issue 19): every training loop and sampler is made to
// fail at each stage (bad data up front and mid-run, a callback that throws,
// a loss or a model that throws, turns NaN or has the wrong shape, an abort
// mid-run) and must leave `tf.memory().numTensors` as it found it, with every
// optimizer the loop made disposed.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTransformerLM } from '../src/attention/buildTransformerLM.js';
import { buildWaveNet } from '../src/audio/buildWaveNet.js';
import { generateAudio } from '../src/audio/generateAudio.js';
import { NonFiniteLossError } from '../src/errors.js';
import { buildCycleGAN, type CycleGAN } from '../src/gan/buildCycleGAN.js';
import { buildDCGAN, type DCGAN } from '../src/gan/buildDCGAN.js';
import { sampleGAN } from '../src/gan/sampleGAN.js';
import { generate } from '../src/sampling/generate.js';
import { interpolateLatents } from '../src/sampling/interpolateLatents.js';
import { trainCycleGAN } from '../src/training/trainCycleGAN.js';
import { trainGAN } from '../src/training/trainGAN.js';
import { trainLanguageModel } from '../src/training/trainLanguageModel.js';
import { trainVAE } from '../src/training/trainVAE.js';
import { trainWaveNet } from '../src/training/trainWaveNet.js';
import { buildVAE } from '../src/vae/buildVAE.js';
import type { VAE } from '../src/vae/types.js';

/** What a call must do: reject matching `error`, resolve (an abort, a sampler that returns), or either (a wrong shape some losses absorb). */
type Outcome = RegExp | (new (...args: never[]) => Error) | 'resolves' | 'either';

/** Optimizers made by `tf.train.adam` during a call, and whether each was disposed. */
const made: { disposed: boolean }[] = [];
const adam = tf.train.adam;

beforeAll(() => {
  tf.train.adam = ((...args: Parameters<typeof adam>) => {
    const optimizer = adam(...args);
    const record = { disposed: false };
    made.push(record);
    const dispose = optimizer.dispose.bind(optimizer);
    optimizer.dispose = () => {
      record.disposed = true;
      dispose();
    };
    return optimizer;
  }) as typeof adam;
});
afterAll(() => {
  tf.train.adam = adam;
});

/**
 * Runs `call`, checks its outcome, that it left the tensor count as it found
 * it (results it returns are disposed first), and that every optimizer it
 * made was disposed.
 */
async function expectClean(call: () => Promise<unknown> | unknown, outcome: Outcome): Promise<void> {
  made.length = 0;
  const before = tf.memory().numTensors;
  const run = async () => call();
  if (outcome === 'resolves') tf.dispose((await run()) as tf.TensorContainer);
  else if (outcome === 'either') tf.dispose((await run().catch(() => undefined)) as tf.TensorContainer);
  else await expect(run()).rejects.toThrow(outcome);
  expect(tf.memory().numTensors).toBe(before);
  expect(made.every((o) => o.disposed)).toBe(true);
}

type Sabotage = 'throw' | 'nan' | 'shape';

/** Makes `model.apply` (and `predict`) throw, return NaN or return a wrong shape from its `from`-th call; returns the undo. */
function sabotage(model: tfl.LayersModel, how: Sabotage, from = 2): () => void {
  let calls = 0;
  for (const name of ['apply', 'predict'] as const) {
    const original = model[name].bind(model) as (...args: unknown[]) => tf.Tensor | tf.Tensor[];
    (model as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      const out = original(...args);
      if (++calls < from) return out;
      if (how === 'throw') {
        tf.dispose(out);
        throw new Error('model failed');
      }
      // Every output (a VAE encoder has two): times NaN, or the last axis doubled.
      const spoil = (t: tf.Tensor) => tf.tidy(() => (how === 'nan' ? tf.mul(t, NaN) : tf.concat([t, t], -1)));
      const spoiled = Array.isArray(out) ? (out as tf.Tensor[]).map(spoil) : spoil(out);
      tf.dispose(out);
      return spoiled;
    };
  }
  return () => {
    delete (model as { apply?: unknown }).apply;
    delete (model as { predict?: unknown }).predict;
  };
}

/** A sync iterable of `good` batches from `make`, then one of shape `badShape`. */
function* thenBad(good: number, make: () => tf.Tensor, badShape: number[]): Generator<tf.Tensor> {
  for (let i = 0; i < good; i++) yield make();
  yield tf.zeros(badShape);
}

/** `onStep` that throws at step 1, and one that aborts `controller` at step 1. */
const throwsAtStep1 = ({ step }: { step: number }) => {
  if (step === 1) throw new Error('callback failed');
};
const abortsAtStep1 = (controller: AbortController) => ({ step }: { step: number }) => {
  if (step === 1) controller.abort();
};

describe('trainGAN: every failure leaves no tensor and no optimizer behind', () => {
  let gan: DCGAN;
  let data: tf.Tensor;
  const options = { batchSize: 4, steps: 3, seed: 1 };
  const softplusLoss = {
    discriminator: (real: tf.Tensor, fake: tf.Tensor) => tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))) as tf.Scalar,
    generator: (fake: tf.Tensor) => tf.mean(tf.softplus(tf.neg(fake))) as tf.Scalar,
  };
  /** The loss pair whose `part` misbehaves from its second call on. */
  const failing = (part: 'discriminator' | 'generator', how: 'throw' | 'nan' | 'non-scalar') => {
    let calls = 0;
    const wrap =
      <A extends tf.Tensor[]>(f: (...args: A) => tf.Scalar) =>
      (...args: A): tf.Scalar => {
        const loss = f(...args);
        if (++calls < 2) return loss;
        if (how === 'throw') throw new Error('loss failed');
        return how === 'nan' ? (tf.mul(loss, NaN) as tf.Scalar) : (tf.mean(args[0]!, -1) as tf.Scalar);
      };
    return part === 'discriminator' ? { ...softplusLoss, discriminator: wrap(softplusLoss.discriminator) } : { ...softplusLoss, generator: wrap(softplusLoss.generator) };
  };

  beforeAll(async () => {
    gan = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 4, discriminatorFilters: 4, seed: 1 });
    data = tf.randomUniform([16, 8, 8, 1], -1, 1, 'float32', 1);
    await trainGAN(gan, data, { ...options, loss: softplusLoss, steps: 1 }); // what tfjs builds once
  });
  afterAll(() => {
    data.dispose();
    gan.dispose();
  });

  it('bad data up front and mid-run', async () => {
    const bad = tf.zeros([4, 8, 8, 3]);
    await expectClean(() => trainGAN(gan, bad, options), /trainGAN: invalid `data` batch shape at step 0/);
    bad.dispose();
    await expectClean(() => trainGAN(gan, thenBad(1, () => tf.zeros([4, 8, 8, 1]), [4, 8, 8, 2]), options), /trainGAN: invalid `data` batch shape at step 1/);
  });

  it('onStep or onEpochEnd throwing', async () => {
    await expectClean(() => trainGAN(gan, data, { ...options, onStep: throwsAtStep1 }), /callback failed/);
    await expectClean(
      () =>
        trainGAN(gan, data, {
          batchSize: 4,
          epochs: 2,
          onEpochEnd: () => {
            throw new Error('epoch callback failed');
          },
        }),
      /epoch callback failed/,
    );
  });

  it.each(['discriminator', 'generator'] as const)('a custom %s loss that throws, returns NaN or returns a non-scalar', async (part) => {
    await expectClean(() => trainGAN(gan, data, { ...options, loss: failing(part, 'throw') }), /loss failed/);
    await expectClean(() => trainGAN(gan, data, { ...options, loss: failing(part, 'nan') }), NonFiniteLossError);
    await expectClean(() => trainGAN(gan, data, { ...options, loss: failing(part, 'non-scalar') }), new RegExp(`^trainGAN: the ${part} loss must be a scalar, received a tensor of shape \\[4\\] at step 1\\.$`));
  });

  it('an abort mid-run', async () => {
    const controller = new AbortController();
    await expectClean(() => trainGAN(gan, data, { ...options, signal: controller.signal, onStep: abortsAtStep1(controller) }), 'resolves');
  });
});

describe('trainCycleGAN: every failure leaves no tensor and no optimizer behind', () => {
  let cycleGAN: CycleGAN;
  let a: tf.Tensor;
  const options = { batchSize: 1, steps: 3, poolSize: 1, seed: 1 };
  beforeAll(async () => {
    cycleGAN = buildCycleGAN({ imageSize: 8, channels: 1, residualBlocks: 1, generatorFilters: 2, discriminatorFilters: 2, seed: 1 });
    a = tf.randomUniform([3, 8, 8, 1], -1, 1, 'float32', 1);
    await trainCycleGAN(cycleGAN, { a, b: a }, { ...options, steps: 2 }); // fills the pools once
  });
  afterAll(() => {
    a.dispose();
    for (const m of [cycleGAN.generatorAB, cycleGAN.generatorBA, cycleGAN.discriminatorA, cycleGAN.discriminatorB]) m.dispose();
  });

  it('bad data, callbacks, a model that throws, turns NaN or changes shape, an abort', async () => {
    const bad = tf.zeros([2, 4, 4, 1]);
    await expectClean(() => trainCycleGAN(cycleGAN, { a, b: bad }, options), /trainCycleGAN: invalid `data.b` batch shape at step 0/);
    bad.dispose();
    await expectClean(() => trainCycleGAN(cycleGAN, { a: thenBad(1, () => tf.zeros([1, 8, 8, 1]), [1, 8, 8, 2]), b: a }, options), /invalid `data.a` batch shape at step 1/);
    await expectClean(() => trainCycleGAN(cycleGAN, { a, b: a }, { ...options, onStep: throwsAtStep1 }), /callback failed/);
    for (const [how, outcome] of [['throw', /model failed/], ['nan', NonFiniteLossError], ['shape', 'either']] as const) {
      for (const model of [cycleGAN.generatorAB, cycleGAN.discriminatorB]) {
        const undo = sabotage(model, how);
        try {
          await expectClean(() => trainCycleGAN(cycleGAN, { a, b: a }, options), outcome);
        } finally {
          undo();
        }
      }
    }
    const controller = new AbortController();
    await expectClean(() => trainCycleGAN(cycleGAN, { a, b: a }, { ...options, signal: controller.signal, onStep: abortsAtStep1(controller) }), 'resolves');
  });
});

describe('trainVAE: every failure leaves no tensor and no optimizer behind', () => {
  let vae: VAE;
  let x: tf.Tensor;
  const options = { batchSize: 4, steps: 3, seed: 1 };
  beforeAll(async () => {
    vae = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], seed: 1 });
    x = tf.randomUniform([12, 6], 0, 1, 'float32', 1);
    await trainVAE(vae, x, { ...options, steps: 1 });
  });
  afterAll(() => {
    x.dispose();
    vae.dispose();
  });

  it('bad data, callbacks, a model that throws, turns NaN or changes shape, an abort', async () => {
    const bad = tf.zeros([4, 5]);
    await expectClean(() => trainVAE(vae, bad, options), /trainVAE: invalid `data` batch shape at step 0/);
    bad.dispose();
    await expectClean(() => trainVAE(vae, thenBad(1, () => tf.zeros([4, 6]), [4, 7]), options), /invalid `data` batch shape at step 1/);
    await expectClean(() => trainVAE(vae, { x, labels: [0] }, options), /trainVAE: invalid `data.labels`/);
    await expectClean(() => trainVAE(vae, x, { ...options, onStep: throwsAtStep1 }), /callback failed/);
    const onEpochEnd = () => {
      throw new Error('epoch callback failed');
    };
    await expectClean(() => trainVAE(vae, x, { batchSize: 4, epochs: 2, onEpochEnd, validationData: x }), /epoch callback failed/);
    for (const [how, outcome] of [['throw', /model failed/], ['nan', NonFiniteLossError], ['shape', 'either']] as const) {
      for (const model of [vae.encoder, vae.decoder]) {
        const undo = sabotage(model, how);
        try {
          await expectClean(() => trainVAE(vae, x, options), outcome);
        } finally {
          undo();
        }
      }
    }
    const controller = new AbortController();
    await expectClean(() => trainVAE(vae, x, { ...options, signal: controller.signal, onStep: abortsAtStep1(controller) }), 'resolves');
  });
});

describe('trainLanguageModel and trainWaveNet: every failure leaves no tensor and no optimizer behind', () => {
  let lm: tfl.LayersModel;
  let net: tfl.LayersModel;
  const tokens = Array.from({ length: 100 }, (_, i) => (i * 7) % 9);
  const audio = Float32Array.from({ length: 300 }, (_, i) => 0.5 * Math.sin(i / 5));
  beforeAll(async () => {
    lm = buildTransformerLM({ vocabSize: 9, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 1 });
    net = buildWaveNet({ residualChannels: 4, skipChannels: 8, dilations: [1, 2], seed: 1 });
    await trainLanguageModel(lm, tokens, { steps: 1, batchSize: 2, seed: 1 });
    await trainWaveNet(net, audio, { steps: 1, batchSize: 2, contextLength: 32, seed: 1 });
  });
  afterAll(() => {
    lm.dispose();
    net.dispose();
  });

  it('trainLanguageModel', async () => {
    const options = { steps: 3, batchSize: 2, seed: 1 };
    await expectClean(() => trainLanguageModel(lm, [...tokens, 9], options), /trainLanguageModel: invalid `tokens`/);
    await expectClean(() => trainLanguageModel(lm, tokens, { ...options, labelSmoothing: 1.5 }), /invalid `labelSmoothing`/);
    await expectClean(() => trainLanguageModel(lm, tokens, { ...options, onStep: throwsAtStep1 }), /callback failed/);
    for (const [how, outcome] of [['throw', /model failed/], ['nan', NonFiniteLossError], ['shape', 'either']] as const) {
      const undo = sabotage(lm, how);
      try {
        await expectClean(() => trainLanguageModel(lm, tokens, options), outcome);
      } finally {
        undo();
      }
    }
    const controller = new AbortController();
    await expectClean(() => trainLanguageModel(lm, tokens, { ...options, signal: controller.signal, onStep: abortsAtStep1(controller) }), 'resolves');
  });

  it('trainWaveNet', async () => {
    const options = { steps: 3, batchSize: 2, contextLength: 32, seed: 1 };
    await expectClean(() => trainWaveNet(net, Float32Array.from([...audio, NaN]), options), /trainWaveNet: invalid `audio`/);
    await expectClean(() => trainWaveNet(net, audio, { ...options, onStep: throwsAtStep1 }), /callback failed/);
    for (const [how, outcome] of [['throw', /model failed/], ['nan', NonFiniteLossError], ['shape', 'either']] as const) {
      const undo = sabotage(net, how);
      try {
        await expectClean(() => trainWaveNet(net, audio, options), outcome);
      } finally {
        undo();
      }
    }
    const controller = new AbortController();
    await expectClean(() => trainWaveNet(net, audio, { ...options, signal: controller.signal, onStep: abortsAtStep1(controller) }), 'resolves');
  });
});

describe('the samplers: every failure leaves no tensor behind', () => {
  let lm: tfl.LayersModel;
  let net: tfl.LayersModel;
  let gan: DCGAN;
  beforeAll(async () => {
    lm = buildTransformerLM({ vocabSize: 9, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 1 });
    net = buildWaveNet({ residualChannels: 4, skipChannels: 8, dilations: [1, 2], seed: 1 });
    gan = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 4, discriminatorFilters: 4, seed: 1 });
    await generate(lm, [1, 2], { maxNewTokens: 2, seed: 1 });
    await generate(lm, [1, 2], { maxNewTokens: 2, seed: 1, useCache: false });
    for (const method of ['fast', 'naive'] as const) await generateAudio(net, { length: 4, seed: 1, method });
  });
  afterAll(() => {
    lm.dispose();
    net.dispose();
    gan.dispose();
  });

  const onTokenThrows = (_: number, i: number) => {
    if (i === 1) throw new Error('callback failed');
  };

  it('generate: bad input, onToken throwing, an abort mid-run (with and without the cache)', async () => {
    await expectClean(() => generate(lm, [1, 9], { maxNewTokens: 3 }), /generate: invalid `promptIds`/);
    for (const useCache of [true, false]) {
      await expectClean(() => generate(lm, [1, 2], { maxNewTokens: 4, seed: 1, useCache, onToken: onTokenThrows }), /callback failed/);
      const controller = new AbortController();
      const onToken = (_: number, i: number) => void (i === 1 && controller.abort());
      await expectClean(() => generate(lm, [1, 2], { maxNewTokens: 4, seed: 1, useCache, signal: controller.signal, onToken }), 'resolves');
    }
  });

  it('generate (no cache): a model that throws, turns NaN or changes shape mid-run', async () => {
    for (const how of ['throw', 'nan', 'shape'] as const) {
      const undo = sabotage(lm, how);
      const before = tf.memory().numTensors;
      try {
        await generate(lm, [1, 2], { maxNewTokens: 4, seed: 1, useCache: false }).catch(() => undefined);
      } finally {
        undo();
      }
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('generateAudio: bad options, onProgress throwing, an abort mid-run, on both methods', async () => {
    await expectClean(() => generateAudio(net, { length: -1 }), /generateAudio: invalid `length`/);
    for (const method of ['fast', 'naive'] as const) {
      const onProgress = (done: number) => {
        if (done >= 2) throw new Error('progress failed');
      };
      await expectClean(() => generateAudio(net, { length: 6, seed: 1, method, onProgress }), /progress failed/);
      const controller = new AbortController();
      const aborting = (done: number) => void (done >= 2 && controller.abort());
      await expectClean(() => generateAudio(net, { length: 6, seed: 1, method, signal: controller.signal, onProgress: aborting }), 'resolves');
    }
  });

  it('generateAudio (naive): a model that throws, turns NaN or changes shape mid-run', async () => {
    for (const how of ['throw', 'nan', 'shape'] as const) {
      const undo = sabotage(net, how);
      const before = tf.memory().numTensors;
      try {
        await generateAudio(net, { length: 6, seed: 1, method: 'naive' }).catch(() => undefined);
      } finally {
        undo();
      }
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('sampleGAN: bad options, a generator that throws, turns NaN or changes shape', async () => {
    const latents = tf.zeros([3, 4]) as tf.Tensor2D;
    const labels = tf.tensor1d([0, 1]);
    await expectClean(() => sampleGAN(gan.generator, 2, { latents }), /sampleGAN: `count` \(2\) must equal the number of `latents` \(3\)/);
    await expectClean(() => sampleGAN(gan.generator, 2, { labels }), /sampleGAN: `labels` were given, but the generator is not conditional/);
    tf.dispose([latents, labels]);
    await expectClean(() => sampleGAN(gan.generator, 2, { seed: 1 }), 'resolves');
    for (const [how, outcome] of [['throw', /model failed/], ['nan', 'resolves'], ['shape', 'either']] as const) {
      const undo = sabotage(gan.generator, how, 1);
      try {
        await expectClean(() => sampleGAN(gan.generator, 2, { seed: 1 }), outcome);
      } finally {
        undo();
      }
    }
  });

  it('interpolateLatents: bad inputs', async () => {
    const [a, b] = [tf.zeros([4]), tf.zeros([3])];
    await expectClean(() => interpolateLatents(a, b, 3), /interpolateLatents/);
    tf.dispose([a, b]);
    await expectClean(() => interpolateLatents([0, 1], [1, 0], 0), /interpolateLatents: invalid `steps`/);
    await expectClean(() => interpolateLatents([0, 1], [1, 0], 3, { method: 'spline' as never }), /interpolateLatents: invalid `method`/);
    await expectClean(() => interpolateLatents([0, 1], [1, 0], 3, { method: 'slerp' }), 'resolves');
  });
});
