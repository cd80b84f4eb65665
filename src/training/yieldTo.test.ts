// Every training loop hands the event loop a turn between steps (`yieldTo`), so
// that a timer, an HTTP handler or an outside `AbortController.abort()` runs
// and is honoured within one step; `'none'` keeps the loop to itself; an
// already-aborted signal runs nothing.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { buildTransformerLM } from '../attention/buildTransformerLM.js';
import { buildWaveNet } from '../audio/buildWaveNet.js';
import { buildCycleGAN } from '../gan/buildCycleGAN.js';
import { buildVAE } from '../vae/buildVAE.js';
import type { VAE } from '../vae/types.js';
import { trainCycleGAN } from './trainCycleGAN.js';
import { trainGAN } from './trainGAN.js';
import { trainLanguageModel } from './trainLanguageModel.js';
import { trainVAE } from './trainVAE.js';
import { trainWaveNet } from './trainWaveNet.js';
import type { YieldMode } from './index.js';

const tokens = Array.from({ length: 200 }, (_, i) => (i * 7) % 9);

/**
 * Runs `train(signal, yieldTo, onStep)` with a timer that aborts the signal;
 * returns the steps done when the timer fired (or null if it never fired
 * during the run) and the loop's result.
 */
async function abortByTimer<R extends { steps: number; stopReason: string }>(
  yieldTo: YieldMode,
  train: (signal: AbortSignal, yieldTo: YieldMode, onStep: (info: { step: number }) => void) => Promise<R>,
): Promise<{ firedAfter: number | null; result: R }> {
  const controller = new AbortController();
  let completed = 0;
  let firedAfter: number | null = null;
  let running = true;
  const timer = setTimeout(() => {
    if (running) firedAfter = completed;
    controller.abort();
  }, 1);
  const result = await train(controller.signal, yieldTo, ({ step }) => {
    completed = step + 1;
  });
  running = false;
  clearTimeout(timer);
  return { firedAfter, result };
}

describe.each(BACKENDS)('an outside timer aborts a long run within one step (%s)', (backend) => {
  useBackend(backend);
  // Made on the backend under test (after useBackend's switch).
  let vae: VAE;
  let x: tf.Tensor;
  let lm: tfl.LayersModel;
  beforeAll(() => {
    vae = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], seed: 1 });
    x = tf.cast(tf.greater(tf.randomUniform([16, 6], 0, 1, 'float32', 3), 0.5), 'float32'); // [N, 6]
    lm = buildTransformerLM({ vocabSize: 9, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 1 });
  });
  afterAll(() => {
    x.dispose();
    vae.dispose();
    lm.dispose();
  });

  it('trainVAE', async () => {
    const { firedAfter, result } = await abortByTimer('task', (signal, yieldTo, onStep) => trainVAE(vae, x, { batchSize: 4, steps: 2000, seed: 1, signal, yieldTo, onStep }));
    expect(firedAfter).not.toBeNull();
    expect(result).toMatchObject({ steps: firedAfter, stopReason: 'aborted' });
  });

  it('trainLanguageModel', async () => {
    const { firedAfter, result } = await abortByTimer('task', (signal, yieldTo, onStep) =>
      trainLanguageModel(lm, tokens, { batchSize: 2, steps: 2000, seed: 1, signal, yieldTo, onStep }),
    );
    expect(firedAfter).not.toBeNull();
    expect(result).toMatchObject({ steps: firedAfter, stopReason: 'aborted' });
  });

  it("'frame' outside a browser yields as 'task'", async () => {
    const { firedAfter, result } = await abortByTimer('frame', (signal, yieldTo, onStep) => trainVAE(vae, x, { batchSize: 4, steps: 2000, seed: 1, signal, yieldTo, onStep }));
    expect(firedAfter).not.toBeNull();
    expect(result).toMatchObject({ steps: firedAfter, stopReason: 'aborted' });
  });

  it("'none' keeps the loop to itself: the timer runs only after it ends", async () => {
    const vaeRun = await abortByTimer('none', (signal, yieldTo, onStep) => trainVAE(vae, x, { batchSize: 4, steps: 6, seed: 1, signal, yieldTo, onStep }));
    expect(vaeRun).toEqual({ firedAfter: null, result: expect.objectContaining({ steps: 6, stopReason: 'completed' }) });
    const lmRun = await abortByTimer('none', (signal, yieldTo, onStep) => trainLanguageModel(lm, tokens, { batchSize: 2, steps: 6, seed: 1, signal, yieldTo, onStep }));
    expect(lmRun).toEqual({ firedAfter: null, result: expect.objectContaining({ steps: 6, stopReason: 'completed' }) });
  });
});

describe('every loop: an already-aborted signal runs nothing; yieldTo is checked', () => {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: s });
  const generator = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 2, kernelInitializer: init(1) })] });
  const discriminator = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [2], units: 1, kernelInitializer: init(2) })] });
  const gData = tf.randomNormal([16, 2], 0, 1, 'float32', 5);
  const cycleGAN = buildCycleGAN({ imageSize: 8, channels: 1, residualBlocks: 1, generatorFilters: 2, discriminatorFilters: 2, seed: 1 });
  const a = tf.randomUniform([2, 8, 8, 1], -1, 1, 'float32', 1);
  const vae = buildVAE({ inputShape: [6], latentDim: 2, hiddenUnits: [8], seed: 1 });
  const x = tf.randomUniform([8, 6], 0, 1, 'float32', 3);
  const lm = buildTransformerLM({ vocabSize: 9, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 1 });
  const net = buildWaveNet({ residualChannels: 4, skipChannels: 8, dilations: [1, 2], seed: 1 });
  const audio = Float32Array.from({ length: 300 }, (_, i) => 0.5 * Math.sin(i / 5));
  afterAll(() => {
    tf.dispose([gData, a, x]);
    for (const m of [generator, discriminator, cycleGAN.generatorAB, cycleGAN.generatorBA, cycleGAN.discriminatorA, cycleGAN.discriminatorB, vae, lm, net]) m.dispose();
  });

  type Loop = (options: { signal?: AbortSignal; yieldTo?: YieldMode; onStep: () => void }) => Promise<{ steps: number; stopReason: string }>;
  const loops: [string, tfl.LayersModel[], Loop][] = [
    ['trainGAN', [generator, discriminator], (o) => trainGAN({ generator, discriminator }, gData, { batchSize: 4, steps: 2, ...o })],
    ['trainCycleGAN', [cycleGAN.generatorAB, cycleGAN.discriminatorA], (o) => trainCycleGAN(cycleGAN, { a, b: a }, { batchSize: 1, steps: 2, ...o })],
    ['trainVAE', [vae.encoder, vae.decoder], (o) => trainVAE(vae, x, { batchSize: 4, steps: 2, ...o })],
    ['trainLanguageModel', [lm], (o) => trainLanguageModel(lm, tokens, { batchSize: 2, steps: 2, ...o })],
    ['trainWaveNet', [net], (o) => trainWaveNet(net, audio, { batchSize: 2, steps: 2, contextLength: 32, ...o })],
  ];

  it.each(loops)('%s', async (fn, models, loop) => {
    const weights = () => models.flatMap((m) => m.getWeights().map((w) => Array.from(w.dataSync())));
    const before = weights();
    const tensors = tf.memory().numTensors;
    let calls = 0;
    const result = await loop({ signal: AbortSignal.abort(), onStep: () => void calls++ });
    expect(result).toMatchObject({ steps: 0, stopReason: 'aborted' });
    expect(calls).toBe(0);
    expect(weights()).toEqual(before);
    expect(tf.memory().numTensors).toBe(tensors);
    await expect(loop({ yieldTo: 'later' as never, onStep: () => {} })).rejects.toThrow(new RegExp(`${fn}: invalid \`yieldTo\`: expected 'task', 'frame' or 'none', received "later"`));
  });
});
