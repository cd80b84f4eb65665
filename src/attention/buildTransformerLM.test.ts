import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS, expectAllClose, expectNoLeaks, useBackend } from '../../test/backends.js';
import { ValueError } from '../_internal/errors.js';
import { loadModel } from '../io/loadModel.js';
import { saveModel } from '../io/saveModel.js';
import { trainLanguageModel } from '../training/trainLanguageModel.js';
import { buildTransformerLM } from './buildTransformerLM.js';
import { positionEmbedding } from './PositionEmbedding.js';
import { sinusoidalPositionEncoding } from './sinusoidalPositionEncoding.js';
import { tokenEmbedding } from '../layers/TokenEmbedding.js';
import { transformerBlock, type TransformerBlock } from './TransformerBlock.js';

interface BlockCase {
  name: string; B: number; T: number; C: number; H: number; mlpRatio: number;
  weights: { shape: number[]; values: number[] }[]; x: number[]; output: number[]; cotangent: number[]; xGrad: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/attention.json', import.meta.url), 'utf8')) as { transformerBlock: BlockCase[] };
const root = mkdtempSync(join(tmpdir(), 'tfjs-generative-lm-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const tiny = { vocabSize: 11, contextLength: 12, modelDim: 16, numHeads: 2, numLayers: 2, seed: 3 };

describe('buildTransformerLM disposal', () => {
  it.each([true, false])('dispose() frees every weight, the tied table included (tieEmbeddings %s), also after save and load', async (tieEmbeddings) => {
    const before = tf.memory().numTensors;
    const lm = buildTransformerLM({ vocabSize: 12, contextLength: 8, modelDim: 8, numHeads: 2, numLayers: 1, tieEmbeddings, seed: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'lm-dispose-'));
    await saveModel(lm, dir);
    lm.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const loaded = await loadModel(dir);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe.each(BACKENDS)('transformer on %s', (backend) => {
  useBackend(backend);

  it.each(fixture.transformerBlock.map((c) => [c.name, c] as const))('TransformerBlock matches a PyTorch pre-norm block (%s), values and input gradient', (_n, c) => {
    const block = transformerBlock({ numHeads: c.H, mlpRatio: c.mlpRatio, causal: true, activation: 'gelu' });
    const x = tf.tensor(c.x, [c.B, c.T, c.C]);
    block.apply(x);
    block.setWeights(c.weights.map((w) => tf.tensor(w.values, w.shape)));
    const y = block.apply(x) as tf.Tensor;
    expectAllClose(y.dataSync() as Float32Array, Float32Array.from(c.output), 1e-5);
    const r = tf.tensor(c.cotangent, y.shape);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(block.apply(v) as tf.Tensor, r)))(x);
    expectAllClose(g.dataSync() as Float32Array, Float32Array.from(c.xGrad), 1e-5);
    tf.dispose([x, y, r, g]);
  });

  it('a few training steps lower the loss, with no tensor leaks (embedding gradients included)', async () => {
    const lm = buildTransformerLM(tiny);
    // A periodic text: predictable after a few steps.
    const tokens = Array.from({ length: 400 }, (_, i) => [0, 1, 2, 3, 4, 5, 4, 3, 2, 1][i % 10]!);
    const optimizer = tf.train.adam(1e-2);
    await trainLanguageModel(lm, tokens, { steps: 1, batchSize: 4, seed: 1, optimizer });
    const before = tf.memory().numTensors;
    const { history } = await trainLanguageModel(lm, tokens, { steps: 30, batchSize: 4, seed: 2, optimizer });
    expect(tf.memory().numTensors).toBe(before);
    const first = history.loss.slice(0, 3).reduce((a, b) => a + b) / 3;
    const last = history.loss.slice(-3).reduce((a, b) => a + b) / 3;
    expect(first).toBeGreaterThan(Math.log(11) * 0.8); // starts near uniform over 11 tokens
    expect(last).toBeLessThan(first * 0.6);
    lm.dispose();
    optimizer.dispose();
  });

  it('the embedding lookup has the right gradient on this backend (scatter-add of the cotangent rows)', () => {
    const emb = tokenEmbedding({ vocabSize: 5, outputDim: 2, seed: 1 });
    const ids = tf.tensor2d([[1, 3, 1], [0, 1, 4]], [2, 3], 'int32');
    emb.apply(ids);
    const r = tf.tensor3d([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]);
    const table = emb.getWeights()[0]!;
    const { grads } = tf.variableGrads(() => tf.sum(tf.mul(emb.apply(ids) as tf.Tensor, r)) as tf.Scalar, emb.trainableWeights.map((w) => w.read() as tf.Variable));
    const g = Object.values(grads)[0]!;
    // Row 1 is used three times: (1,2) + (5,6) + (9,10).
    expect(Array.from(g.dataSync())).toEqual([7, 8, 15, 18, 0, 0, 3, 4, 11, 12]);
    tf.dispose([ids, r, table, g]);
  });

  it('leaks no tensors in a forward pass', () => {
    const lm = buildTransformerLM(tiny);
    const ids = tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8]], [2, 4], 'int32');
    expectNoLeaks(() => lm.predict(ids) as tf.Tensor);
    ids.dispose();
    lm.dispose();
  });
});

describe('buildTransformerLM', () => {
  it('maps ids [B, T] to logits [B, T, V] for any T up to contextLength, with the expected parameter count', () => {
    const lm = buildTransformerLM(tiny);
    for (const t of [1, 5, 12]) {
      const y = lm.predict(tf.zeros([3, t], 'int32')) as tf.Tensor;
      expect(y.shape).toEqual([3, t, 11]);
      y.dispose();
    }
    const { vocabSize: v, contextLength: l, modelDim: c, numLayers: n } = tiny;
    const perBlock = 2 * c + 4 * (c * c + c) + 2 * c + (c * 4 * c + 4 * c) + (4 * c * c + c);
    expect(lm.countParams()).toBe(v * c + l * c + n * perBlock + 2 * c); // tied: no head
    const untied = buildTransformerLM({ ...tiny, tieEmbeddings: false });
    expect(untied.countParams()).toBe(lm.countParams() + c * v + v);
    expect(() => lm.predict(tf.zeros([1, 13], 'int32'))).toThrow(/at most 12 positions/);
  });

  it('is causal and deterministic with a seed, with GPT-2 initial scales', () => {
    const a = buildTransformerLM(tiny);
    const b = buildTransformerLM(tiny);
    a.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(Array.from(b.getWeights()[i]!.dataSync())));
    const std = (t: tf.Tensor) => Math.sqrt(tf.moments(t).variance.dataSync()[0]!);
    const block = a.getLayer('block_1') as TransformerBlock;
    const [outKernel, mlpKernel2] = block.residualProjections().map((v) => v.read());
    expect(std(outKernel!)).toBeCloseTo(0.02 / Math.sqrt(4), 2);
    expect(std(mlpKernel2!)).toBeCloseTo(0.02 / Math.sqrt(4), 2);
    expect(std(block.getWeights()[2]!)).toBeCloseTo(0.02, 2); // query kernel
    const ids = tf.tensor2d([[1, 2, 3, 4, 5, 6]], [1, 6], 'int32');
    const changed = tf.tensor2d([[1, 2, 3, 9, 9, 9]], [1, 6], 'int32');
    const ya = a.predict(ids) as tf.Tensor;
    expect(Array.from((b.predict(ids) as tf.Tensor).dataSync())).toEqual(Array.from(ya.dataSync()));
    const yc = a.predict(changed) as tf.Tensor;
    expect(Array.from(tf.slice(yc, [0, 0, 0], [1, 3, 11]).dataSync())).toEqual(Array.from(tf.slice(ya, [0, 0, 0], [1, 3, 11]).dataSync()));
    expect(Array.from(tf.slice(yc, [0, 3, 0], [1, 1, 11]).dataSync())).not.toEqual(Array.from(tf.slice(ya, [0, 3, 0], [1, 1, 11]).dataSync()));
  });

  it('rejects bad configs before creating weights', () => {
    const before = tf.memory().numTensors;
    expect(() => buildTransformerLM({ ...tiny, modelDim: 30, numHeads: 4 })).toThrow(
      /buildTransformerLM: `modelDim` must be divisible by `numHeads`: received modelDim 30 and numHeads 4\./,
    );
    expect(() => buildTransformerLM({ ...tiny, numLayers: 0 })).toThrow(/invalid `numLayers`: expected a positive integer, received 0/);
    expect(() => buildTransformerLM({ ...tiny, dropout: -0.1 })).toThrow(/invalid `dropout`/);
    expect(() => buildTransformerLM({ ...tiny, layers: 2 } as never)).toThrow(ValueError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('round-trips through saveModel/loadModel with identical logits', async () => {
    const lm = buildTransformerLM({ ...tiny, dropout: 0.1 });
    const dir = join(root, 'lm');
    await saveModel(lm, dir);
    const loaded = await loadModel(dir);
    const ids = tf.tensor2d([[0, 3, 6, 9, 1]], [1, 5], 'int32');
    expect(Array.from((loaded.predict(ids) as tf.Tensor).dataSync())).toEqual(Array.from((lm.predict(ids) as tf.Tensor).dataSync()));
    expect(loaded.countParams()).toBe(lm.countParams());
  });
});

describe('embeddings', () => {
  it('TokenEmbedding looks up rows and, applied to vectors, gives x · tableᵀ', () => {
    const emb = tokenEmbedding({ vocabSize: 5, outputDim: 3, seed: 1 });
    const ids = tf.tensor2d([[4, 0, 2]], [1, 3], 'int32');
    const e = emb.apply(ids) as tf.Tensor;
    const table = emb.getWeights()[0]!;
    expect(Array.from(e.dataSync())).toEqual(Array.from(tf.gather(table, [4, 0, 2]).dataSync()));
    const x = tf.randomNormal([2, 4, 3], 0, 1, 'float32', 2);
    const logits = emb.apply(x) as tf.Tensor;
    expect(logits.shape).toEqual([2, 4, 5]);
    expectAllClose(logits.dataSync() as Float32Array, tf.matMul(tf.reshape(x, [8, 3]), table, false, true).dataSync() as Float32Array, 1e-6);
  });

  it('PositionEmbedding returns the first T rows, broadcast over the batch', () => {
    const pos = positionEmbedding({ sequenceLength: 6, seed: 2 });
    const p = pos.apply(tf.zeros([2, 4, 3])) as tf.Tensor;
    const table = pos.getWeights()[0]!;
    const rows = tf.slice(table, [0, 0], [4, 3]).dataSync();
    expect(Array.from(tf.slice(p, [1, 0, 0], [1, 4, 3]).dataSync())).toEqual(Array.from(rows));
    expect(() => pos.apply(tf.zeros([1, 7, 3]))).toThrow(/at most 6 positions/);
  });

  it('sinusoidalPositionEncoding matches the closed form', () => {
    const pe = sinusoidalPositionEncoding(7, 6, { offset: 3 }).arraySync();
    for (let p = 0; p < 7; p++) {
      for (let i = 0; i < 3; i++) {
        const angle = (p + 3) / 10000 ** ((2 * i) / 6);
        expect(pe[p]![2 * i]).toBeCloseTo(Math.sin(angle), 6);
        expect(pe[p]![2 * i + 1]).toBeCloseTo(Math.cos(angle), 6);
      }
    }
    expect(() => sinusoidalPositionEncoding(0, 4)).toThrow(/invalid `length`: expected a positive integer, received 0/);
  });

  it('TransformerBlock rejects a width not divisible by numHeads, naming both', () => {
    const block = transformerBlock({ numHeads: 3 });
    expect(() => block.apply(tfl.input({ shape: [4, 8] }))).toThrow(/width C = 8 is not divisible by `numHeads` = 3; give `keyDim`/);
  });
});
