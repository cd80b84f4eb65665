// Sampling defined for every input (issue 19): NaN, -Infinity, +Infinity, tiny
// temperatures, and option types; on cpu and wasm, and for WaveNet's array draw.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { drawFromLogits } from '../_internal/drawFromLogits.js';
import { seedSource } from '../_internal/random.js';
import { buildTransformerLM } from '../attention/buildTransformerLM.js';
import { trainLanguageModel } from '../training/trainLanguageModel.js';
import { generate } from './generate.js';
import { sampleLogits } from './sampleLogits.js';

const ids = (logits: number[][], options: Parameters<typeof sampleLogits>[1]) =>
  tf.tidy(() => Array.from(sampleLogits(tf.tensor2d(logits), options).dataSync()));

describe.each(BACKENDS)('sampleLogits edge cases on %s', (backend) => {
  useBackend(backend);

  it('marks rows with NaN (-2) and rows of -Infinity (-1), and leaves the other rows alone', () => {
    const rows = [[0, NaN, 1], [-Infinity, -Infinity, -Infinity], [0, 5, 0]];
    for (const options of [{ temperature: 0 }, { temperature: 1, seed: 1 }, { topK: 2, seed: 2 }, { topP: 0.5, seed: 3 }]) {
      expect(ids(rows, options), JSON.stringify(options)).toEqual([-2, -1, expect.any(Number)]);
    }
    expect(ids(rows, { temperature: 0 })[2]).toBe(1);
  });

  it('treats +Infinity as the most likely tokens: only they are drawn, each of them', () => {
    const drawn = new Set<number>();
    for (let seed = 0; seed < 40; seed++) drawn.add(ids([[3, Infinity, 9, Infinity]], { seed })[0]!);
    expect([...drawn].sort()).toEqual([1, 3]);
    expect(ids([[3, Infinity, 9, Infinity]], { temperature: 0 })).toEqual([1]);
  });

  it('tends to the argmax as the temperature tends to 0 (no overflow to token 0)', () => {
    for (const temperature of [1e-40, 1e-20, 1e-6]) {
      expect(ids([[100, 250, -3, 249.9]], { temperature, seed: 4 }), String(temperature)).toEqual([1]);
      expect(ids([[-1e30, -5e29, -2e30]], { temperature, seed: 5 }), String(temperature)).toEqual([1]);
    }
  });

  it('leaks nothing on any of these rows', () => {
    const before = tf.memory().numTensors;
    ids([[0, NaN], [Infinity, 0], [-Infinity, -Infinity]], { topP: 0.9, topK: 1, seed: 1 });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('generate with undefined logits, and option types', () => {
  const lm = () => buildTransformerLM({ vocabSize: 10, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, seed: 1 });

  it('raises naming the step when the logits are NaN, and leaks nothing', async () => {
    const model = lm();
    const [gamma, beta] = model.getLayer('final_norm').getWeights(); // the variables' own tensors: not ours to dispose
    const nan = tf.fill(gamma!.shape, NaN);
    model.getLayer('final_norm').setWeights([nan, beta!]);
    nan.dispose();
    const before = tf.memory().numTensors;
    for (const useCache of [true, false]) {
      await expect(generate(model, [1, 2], { maxNewTokens: 3, useCache })).rejects.toThrow(/generate: the model's logits at step 0 contain NaN, so no token can be drawn/);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('refuses a signal that is not an AbortSignal and stopTokens that are not a list', async () => {
    const model = lm();
    await expect(generate(model, [1], { maxNewTokens: 2, signal: {} as AbortSignal })).rejects.toThrow(/generate: invalid `signal`: expected an AbortSignal/);
    await expect(generate(model, [1], { maxNewTokens: 2, stopTokens: 3 as unknown as number[] })).rejects.toThrow(/generate: invalid `stopTokens`: expected an array of token ids, received 3/);
    await expect(trainLanguageModel(model, [1, 2, 3, 4, 5, 6, 7, 8, 9], { steps: 1, contextLength: 4, signal: 'stop' as unknown as AbortSignal })).rejects.toThrow(
      /trainLanguageModel: invalid `signal`: expected an AbortSignal/,
    );
    model.dispose();
  });

  it('runs nothing when the signal is already aborted', async () => {
    const model = lm();
    const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
    const controller = new AbortController();
    controller.abort();
    const tokens = await generate(model, [1], { maxNewTokens: 3, signal: controller.signal });
    expect(tokens).toEqual({ tokens: [], stopReason: 'aborted' });
    const trained = await trainLanguageModel(model, Array.from({ length: 40 }, (_, i) => i % 10), { steps: 3, contextLength: 4, signal: controller.signal });
    expect(trained).toMatchObject({ steps: 0, stopReason: 'aborted' });
    model.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(weights[i]));
    model.dispose();
  });
});

describe('drawFromLogits (the sample-by-sample draw of generateAudio)', () => {
  it('is defined for every input, as sampleLogits is', () => {
    const rng = seedSource(1);
    expect(drawFromLogits([0, NaN, 1], 1, rng)).toBe(-2);
    expect(drawFromLogits([-Infinity, -Infinity], 1, rng)).toBe(-1);
    expect(drawFromLogits([], 1, rng)).toBe(-1);
    expect(drawFromLogits([1, 2, 250, 249.9], 1e-40, rng)).toBe(2);
    const drawn = new Set<number>();
    for (let i = 0; i < 40; i++) drawn.add(drawFromLogits([3, Infinity, 9, Infinity], 1, rng));
    expect([...drawn].sort()).toEqual([1, 3]);
    expect(drawFromLogits([3, Infinity, 9, Infinity], 0, rng)).toBe(1);
  });
});

