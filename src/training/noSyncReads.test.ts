// The loops read tensors only with `await data()`: a `dataSync` or `arraySync`
// (which stall webgl and webgpu until the GPU is done) fails these runs,
// label checks included.
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTransformerLM } from '../attention/buildTransformerLM.js';
import { buildWaveNet } from '../audio/buildWaveNet.js';
import { buildCycleGAN } from '../gan/buildCycleGAN.js';
import { buildDCGAN } from '../gan/buildDCGAN.js';
import { buildVAE } from '../vae/buildVAE.js';
import { trainCycleGAN } from './trainCycleGAN.js';
import { trainGAN } from './trainGAN.js';
import { trainLanguageModel } from './trainLanguageModel.js';
import { trainVAE } from './trainVAE.js';
import { trainWaveNet } from './trainWaveNet.js';

describe('the training loops never read synchronously', () => {
  const proto = tf.Tensor.prototype as unknown as Record<'dataSync' | 'arraySync', unknown>;
  const original = { dataSync: proto.dataSync, arraySync: proto.arraySync };
  let syncReads = 0;
  beforeEach(() => {
    syncReads = 0;
    for (const name of ['dataSync', 'arraySync'] as const) {
      proto[name] = function (this: tf.Tensor) {
        syncReads++;
        return (original[name] as (this: tf.Tensor) => unknown).call(this);
      };
    }
  });
  afterEach(() => {
    Object.assign(proto, original);
  });

  it('trainGAN with labels (a conditional pair)', async () => {
    const gan = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 4, discriminatorFilters: 4, numClasses: 3, seed: 1 });
    const images = tf.randomUniform([8, 8, 8, 1], -1, 1, 'float32', 1);
    const labels = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32');
    const result = await trainGAN(gan, images, { labels, batchSize: 4, steps: 2, seed: 1 });
    expect(result.steps).toBe(2);
    expect(syncReads).toBe(0);
    await expect(trainGAN(gan, images, { labels: tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 3], 'int32'), steps: 1 })).rejects.toThrow(
      /trainGAN: invalid `labels`: expected class ids that are integers in \[0, 3\), received "3 at index 7"/,
    );
    expect(syncReads).toBe(0);
    tf.dispose([images, labels]);
    gan.dispose();
  });

  it('trainVAE with labels and validation labels (a conditional VAE)', async () => {
    const vae = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], numClasses: 2, seed: 1 });
    const x = tf.randomUniform([8, 6], 0, 1, 'float32', 1);
    const labels = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32');
    const result = await trainVAE(vae, { x, labels }, { batchSize: 4, steps: 2, seed: 1, validationData: { x, labels } });
    expect(result.steps).toBe(2);
    expect(syncReads).toBe(0);
    const bad = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 2], 'int32');
    await expect(trainVAE(vae, { x, labels: bad }, { steps: 1 })).rejects.toThrow(/trainVAE: invalid `data.labels`: expected integers in \[0, 1\] \(numClasses 2\), received 2 at index 7/);
    expect(syncReads).toBe(0);
    tf.dispose([x, labels, bad]);
    vae.dispose();
  });

  it('trainCycleGAN, trainLanguageModel and trainWaveNet', async () => {
    const cycleGAN = buildCycleGAN({ imageSize: 8, channels: 1, residualBlocks: 1, generatorFilters: 2, discriminatorFilters: 2, seed: 1 });
    const a = tf.randomUniform([2, 8, 8, 1], -1, 1, 'float32', 1);
    await trainCycleGAN(cycleGAN, { a, b: a }, { batchSize: 1, steps: 2, seed: 1 });
    const lm = buildTransformerLM({ vocabSize: 9, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 1 });
    await trainLanguageModel(lm, Array.from({ length: 100 }, (_, i) => i % 9), { steps: 2, batchSize: 2, seed: 1 });
    const net = buildWaveNet({ residualChannels: 4, skipChannels: 8, dilations: [1, 2], seed: 1 });
    const audio = tf.tensor1d(Float32Array.from({ length: 300 }, (_, i) => 0.5 * Math.sin(i / 5)));
    await trainWaveNet(net, audio, { steps: 2, batchSize: 2, contextLength: 32, seed: 1 });
    expect(syncReads).toBe(0);
    tf.dispose([a, audio]);
    for (const m of [cycleGAN.generatorAB, cycleGAN.generatorBA, cycleGAN.discriminatorA, cycleGAN.discriminatorB, lm, net]) m.dispose();
  });
});
