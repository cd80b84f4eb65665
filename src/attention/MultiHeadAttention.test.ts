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
import { MultiHeadAttention, multiHeadAttention } from './MultiHeadAttention.js';

interface MhaCase {
  name: string; B: number; T: number; S: number; C: number; Ckv: number; H: number; D: number; causal: boolean;
  query: number[]; value: number[]; attentionMask?: number[];
  weights: Record<'queryKernel' | 'queryBias' | 'keyKernel' | 'keyBias' | 'valueKernel' | 'valueBias' | 'outputKernel' | 'outputBias', number[]>;
  output: number[]; scores: number[]; cotangent: number[]; queryGrad: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/attention.json', import.meta.url), 'utf8')) as { multiHeadAttention: MhaCase[] };
const root = mkdtempSync(join(tmpdir(), 'tfjs-generative-mha-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A layer holding the fixture's weights, set through setWeights in the documented order. */
function layerFor(c: MhaCase): MultiHeadAttention {
  const mha = multiHeadAttention({ numHeads: c.H, keyDim: c.D });
  const self = c.S === c.T && c.Ckv === c.C && c.attentionMask === undefined;
  mha.build(self ? [null, c.T, c.C] : [[null, c.T, c.C], [null, c.S, c.Ckv]]);
  const w = c.weights;
  mha.setWeights([
    tf.tensor(w.queryKernel, [c.C, c.H, c.D]), tf.tensor(w.queryBias, [c.H, c.D]),
    tf.tensor(w.keyKernel, [c.Ckv, c.H, c.D]), tf.tensor(w.keyBias, [c.H, c.D]),
    tf.tensor(w.valueKernel, [c.Ckv, c.H, c.D]), tf.tensor(w.valueBias, [c.H, c.D]),
    tf.tensor(w.outputKernel, [c.H, c.D, c.C]), tf.tensor(w.outputBias, [c.C]),
  ]);
  return mha;
}

describe.each(BACKENDS)('MultiHeadAttention on %s', (backend) => {
  useBackend(backend);

  it.each(fixture.multiHeadAttention.map((c) => [c.name, c] as const))(
    'matches torch.nn.MultiheadAttention (%s): output, per-head scores and input gradient',
    (_name, c) => {
      const mha = layerFor(c);
      const query = tf.tensor(c.query, [c.B, c.T, c.C]);
      const value = c.S === c.T && c.Ckv === c.C && c.attentionMask === undefined ? query : tf.tensor(c.value, [c.B, c.S, c.Ckv]);
      const mask = c.attentionMask === undefined ? undefined : tf.tensor(c.attentionMask, [c.B, c.T, c.S]);
      const opts = { useCausalMask: c.causal, returnAttentionScores: true, ...(mask ? { attentionMask: mask } : {}) };
      const [out, scores] = mha.apply([query, value], opts) as tf.Tensor[];
      expect(out!.shape).toEqual([c.B, c.T, c.C]);
      expect(scores!.shape).toEqual([c.B, c.H, c.T, c.S]);
      expectAllClose(out!.dataSync() as Float32Array, Float32Array.from(c.output), 1e-5);
      expectAllClose(scores!.dataSync() as Float32Array, Float32Array.from(c.scores), 1e-5);
      const r = tf.tensor(c.cotangent, out!.shape);
      // Self attention: the query is also key and value, so the gradient flows through all three.
      const grad = tf.grad((q: tf.Tensor) =>
        tf.sum(tf.mul(mha.apply(value === query ? q : [q, value], { useCausalMask: c.causal, ...(mask ? { attentionMask: mask } : {}) }) as tf.Tensor, r)),
      )(query);
      expectAllClose(grad.dataSync() as Float32Array, Float32Array.from(c.queryGrad), 1e-5);
      tf.dispose([query, value, out!, scores!, r, grad, ...(mask ? [mask] : [])]);
    },
  );

  it('leaks no tensors', () => {
    const mha = multiHeadAttention({ numHeads: 2, keyDim: 3, seed: 1 });
    const x = tf.randomNormal([2, 4, 6], 0, 1, 'float32', 1);
    expectNoLeaks(() => mha.apply([x, x], { useCausalMask: true, returnAttentionScores: true }) as tf.Tensor[]);
    tf.dispose(x);
    mha.dispose();
  });
});

describe('MultiHeadAttention', () => {
  it('is causal: changing future positions leaves earlier outputs unchanged', () => {
    const mha = multiHeadAttention({ numHeads: 2, keyDim: 4, seed: 2 });
    const x = tf.randomNormal([1, 6, 8], 0, 1, 'float32', 3);
    const changed = tf.concat([tf.slice(x, [0, 0, 0], [1, 3, 8]), tf.randomNormal([1, 3, 8], 0, 1, 'float32', 4)], 1);
    const a = (mha.apply(x, { useCausalMask: true }) as tf.Tensor).arraySync() as number[][][];
    const b = (mha.apply(changed, { useCausalMask: true }) as tf.Tensor).arraySync() as number[][][];
    expect(b[0]!.slice(0, 3)).toEqual(a[0]!.slice(0, 3));
    expect(b[0]![3]).not.toEqual(a[0]![3]);
    const full = (mha.apply(changed) as tf.Tensor).arraySync() as number[][][];
    expect(full[0]![0]).not.toEqual(a[0]![0]); // without the mask the past sees the future
  });

  it('masks keys: a keep-mask of 0 gives those keys zero weight', () => {
    const mha = multiHeadAttention({ numHeads: 2, keyDim: 4, seed: 2 });
    const q = tf.randomNormal([2, 3, 8], 0, 1, 'float32', 5);
    const kv = tf.randomNormal([2, 4, 5], 0, 1, 'float32', 6);
    const keep = tf.tensor([1, 1, 0, 1], [1, 1, 4]); // broadcast over B and T
    const [, scores] = mha.apply([q, kv], { attentionMask: keep, returnAttentionScores: true }) as tf.Tensor[];
    const s = scores!.arraySync() as number[][][][];
    for (const row of s.flat(2)) {
      expect(row[2]).toBe(0);
      expect(row.reduce((acc, v) => acc + v, 0)).toBeCloseTo(1, 5);
    }
  });

  it('rejects bad arguments before creating weights, naming the field and the value', () => {
    const before = tf.memory().numTensors;
    expect(() => multiHeadAttention({ numHeads: 2, keyDim: 0 })).toThrow(ValueError);
    expect(() => multiHeadAttention({ numHeads: 2, keyDim: 2.5 })).toThrow(
      /MultiHeadAttention: invalid `keyDim`: expected a positive integer, received 2\.5/,
    );
    expect(() => multiHeadAttention({ numHeads: -1, keyDim: 2 })).toThrow(/invalid `numHeads`.*received -1/);
    expect(() => multiHeadAttention({ numHeads: 2, keyDim: 2, dropout: 1 })).toThrow(/invalid `dropout`: expected a number in \[0, 1\), received 1/);
    expect(() => multiHeadAttention({ numHeads: 2, keyDim: 2, kernelInitializer: 'nope' as 'zeros' })).toThrow(/invalid `kernelInitializer`/);
    expect(() => multiHeadAttention({ numHeads: 2, keyDim: 2, keyDims: 3 } as never)).toThrow(/unknown .*`keyDims`/);
    expect(tf.memory().numTensors).toBe(before);
    const mha = multiHeadAttention({ numHeads: 2, keyDim: 2 });
    const x = tf.zeros([2, 3, 4]);
    expect(() => mha.apply([x, x], { attentionMask: tf.ones([2, 3, 5]) })).toThrow(
      /invalid `attentionMask` shape: \[2, 3, 5\] does not broadcast to \[2, 3, 3\]/,
    );
  });

  it('works in tf.sequential and in a functional model, remembers the causal flag, and round-trips through saveModel/loadModel', async () => {
    const seq = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [5, 3], units: 8 }), multiHeadAttention({ numHeads: 2, keyDim: 4, seed: 1 })] });
    expect(seq.outputs[0]!.shape).toEqual([null, 5, 8]);

    const query = tfl.input({ shape: [5, 8] });
    const memory = tfl.input({ shape: [7, 6] });
    const self = multiHeadAttention({ numHeads: 2, keyDim: 4, seed: 3, name: 'self_attention' });
    const cross = multiHeadAttention({ numHeads: 4, keyDim: 2, valueDim: 3, outputShape: 10, seed: 4, name: 'cross_attention' });
    const h = self.apply(query, { useCausalMask: true }) as tfl.SymbolicTensor;
    const [y, scores] = cross.apply([h, memory], { returnAttentionScores: true }) as tfl.SymbolicTensor[];
    expect(y!.shape).toEqual([null, 5, 10]);
    expect(scores!.shape).toEqual([null, 4, 5, 7]);
    const model = tfl.model({ inputs: [query, memory], outputs: [y!, scores!] });

    const q = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 7);
    const m = tf.randomNormal([2, 7, 6], 0, 1, 'float32', 8);
    const qChanged = tf.concat([tf.slice(q, [0, 0, 0], [2, 2, 8]), tf.randomNormal([2, 3, 8], 0, 1, 'float32', 9)], 1);
    const [ya] = model.predict([q, m]) as tf.Tensor[];
    const [yb] = model.predict([qChanged, m]) as tf.Tensor[];
    // Causal self attention then position-wise cross attention: positions 0..1 cannot see 2..4.
    expectAllClose(tf.slice(yb!, [0, 0, 0], [2, 2, 10]).dataSync() as Float32Array, tf.slice(ya!, [0, 0, 0], [2, 2, 10]).dataSync() as Float32Array, 1e-6);

    const dir = join(root, 'functional');
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    const [yl, sl] = loaded.predict([q, m]) as tf.Tensor[];
    expect(Array.from(yl!.dataSync())).toEqual(Array.from(ya!.dataSync()));
    expect(sl!.shape).toEqual([2, 4, 5, 7]);
    const [ylb] = loaded.predict([qChanged, m]) as tf.Tensor[];
    expect(Array.from(tf.slice(ylb!, [0, 0, 0], [2, 2, 10]).dataSync())).toEqual(Array.from(tf.slice(yl!, [0, 0, 0], [2, 2, 10]).dataSync()));
    const config = (loaded.getLayer('cross_attention') as MultiHeadAttention).getConfig();
    expect(config).toMatchObject({ numHeads: 4, keyDim: 2, valueDim: 3, outputShape: 10, useBias: true });
    model.dispose();
    loaded.dispose();
  });

  it('trains inside a functional model: a few Adam steps lower the loss', () => {
    const x = tfl.input({ shape: [6, 4] });
    const h = multiHeadAttention({ numHeads: 2, keyDim: 4, seed: 5 }).apply(x, { useCausalMask: true }) as tfl.SymbolicTensor;
    const y = tfl.layers.dense({ units: 1, kernelInitializer: tfl.initializers.glorotUniform({ seed: 6 }) }).apply(h) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: x, outputs: y });
    // Target: the running mean of the first feature (needs attention over the past).
    const xs = tf.randomNormal([16, 6, 4], 0, 1, 'float32', 11);
    const ys = tf.tidy(() => tf.div(tf.cumsum(tf.slice(xs, [0, 0, 0], [16, 6, 1]), 1), tf.reshape(tf.range(1, 7), [1, 6, 1])));
    const optimizer = tf.train.adam(0.01);
    const loss = () => tf.losses.meanSquaredError(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar;
    const first = tf.tidy(() => loss().dataSync()[0]!);
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 40; i++) tf.dispose(optimizer.minimize(loss, true)!);
    const afterOne = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.dispose(optimizer.minimize(loss, true)!);
    expect(tf.memory().numTensors).toBe(afterOne);
    expect(afterOne).toBeGreaterThanOrEqual(tensors);
    const last = tf.tidy(() => loss().dataSync()[0]!);
    expect(last).toBeLessThan(first * 0.5);
    tf.dispose([xs, ys]);
    optimizer.dispose();
    model.dispose();
  });
});
