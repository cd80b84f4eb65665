import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { NonFiniteLossError } from '../_internal/errors.js';
import { buildTransformerLM } from '../attention/buildTransformerLM.js';
import { tokenEmbedding } from '../layers/TokenEmbedding.js';
import { evaluateLanguageModel } from './evaluateLanguageModel.js';
import { trainLanguageModel } from './trainLanguageModel.js';

const config = { vocabSize: 9, contextLength: 8, modelDim: 16, numHeads: 2, numLayers: 1 };
const tokens = Array.from({ length: 300 }, (_, i) => (i * 7) % 9);

describe('trainLanguageModel', () => {
  it('is deterministic with a seed, and lowers held-out loss', async () => {
    const a = buildTransformerLM({ ...config, seed: 1 });
    const b = buildTransformerLM({ ...config, seed: 1 });
    const before = await evaluateLanguageModel(a, tokens.slice(200));
    const ra = await trainLanguageModel(a, tokens.slice(0, 200), { steps: 20, batchSize: 4, seed: 3, optimizer: tf.train.adam(1e-2) });
    const rb = await trainLanguageModel(b, tokens.slice(0, 200), { steps: 20, batchSize: 4, seed: 3, optimizer: tf.train.adam(1e-2) });
    expect(rb.history.loss).toEqual(ra.history.loss);
    expect(ra).toMatchObject({ steps: 20, stopReason: 'completed' });
    const after = await evaluateLanguageModel(a, tokens.slice(200));
    expect(after.loss).toBeLessThan(before.loss * 0.5);
    expect(before.tokens).toBe(Math.floor((100 - 1) / 8) * 8);
  });

  it('stops on abort after the current step, and on a NaN loss naming the step', async () => {
    const lm = buildTransformerLM({ ...config, seed: 2 });
    const controller = new AbortController();
    const r = await trainLanguageModel(lm, tokens, { steps: 10, batchSize: 2, signal: controller.signal, onStep: ({ step }) => void (step === 1 && controller.abort()) });
    expect(r).toMatchObject({ steps: 2, stopReason: 'aborted' });
    lm.getLayer('token_embedding').setWeights([tf.fill([9, 16], NaN)]);
    await expect(trainLanguageModel(lm, tokens, { steps: 3, batchSize: 2 })).rejects.toThrow(NonFiniteLossError);
    await expect(trainLanguageModel(lm, tokens, { steps: 3, batchSize: 2 })).rejects.toThrow(/the loss became NaN at step 0/);
  });

  it('rejects bad tokens and options before training', async () => {
    const lm = buildTransformerLM({ ...config, seed: 2 });
    await expect(trainLanguageModel(lm, [1, 2, 3], { steps: 1 })).rejects.toThrow(
      /trainLanguageModel: invalid `tokens`: expected at least 9 tokens \(contextLength \+ 1\), received "3 tokens"/,
    );
    await expect(trainLanguageModel(lm, [...tokens, 9], { steps: 1 })).rejects.toThrow(/expected token ids that are integers in \[0, 9\), received "9 at index 300"/);
    await expect(trainLanguageModel(lm, tokens, { steps: 1, contextLength: 9 })).rejects.toThrow(/invalid `contextLength`: expected at most the model's 8, received 9/);
    await expect(trainLanguageModel(lm, tokens, { steps: 0 })).rejects.toThrow(/invalid `steps`/);
    await expect(trainLanguageModel(lm, tokens, { steps: 1, labelSmoothing: 1.5 })).rejects.toThrow(
      /trainLanguageModel: invalid `labelSmoothing`: expected a number in \[0, 1\), received 1\.5/,
    );
    await expect(trainLanguageModel(lm, tokens, { steps: 1, optimizer: { minimize: 1 } as never })).rejects.toThrow(
      /trainLanguageModel: invalid `optimizer`: expected a tf\.Optimizer \(an object with an applyGradients function\)/,
    );
    await expect(trainLanguageModel(lm, tokens, { steps: 1, onStep: true as never })).rejects.toThrow(/trainLanguageModel: invalid `onStep`: expected a function, received true/);
  });
});

describe('evaluateLanguageModel', () => {
  it('gives ln V nats (log2 V bits) per token for a model with uniform logits', async () => {
    const ids = tfl.input({ shape: [null], dtype: 'int32' });
    const emb = tokenEmbedding({ vocabSize: 5, outputDim: 3, embeddingsInitializer: 'zeros' });
    const uniform = tfl.model({ inputs: ids, outputs: emb.apply(emb.apply(ids)) as tfl.SymbolicTensor });
    const r = await evaluateLanguageModel(uniform, [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0], { contextLength: 4, batchSize: 1 });
    expect(r.loss).toBeCloseTo(Math.log(5), 6);
    expect(r.bitsPerToken).toBeCloseTo(Math.log2(5), 6);
    expect(r.tokens).toBe(8);
  });
});
