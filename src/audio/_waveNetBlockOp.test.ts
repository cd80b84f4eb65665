// The WaveNet block's hand-written gradient against automatic differentiation of
// the same block written as plain ops (itself checked against PyTorch in
// CausalConv1D.test.ts): every input's gradient, with and without recompute and
// conditioning, for delays shorter and longer than the sequence, on cpu and wasm.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectAllClose, useBackend } from '../../test/backends.js';
import { waveNetBlockOp, type WaveNetBlockWeights } from './_waveNetBlockOp.js';

/** The block from its definition: left pad, one product per tap, gate, projections. */
function plainBlock(w: WaveNetBlockWeights, x: tf.Tensor, c: tf.Tensor | null, d: number): tf.Tensor[] {
  const [b, t, r] = x.shape as [number, number, number];
  const [k] = w.dilatedKernel.shape as [number];
  const padded = tf.pad(x, [[0, 0], [(k - 1) * d, 0], [0, 0]]);
  let pre: tf.Tensor = tf.add(tf.zeros([b, t, 2 * r]), w.dilatedBias);
  for (let j = 0; j < k; j++) {
    const tap = tf.slice(padded, [0, j * d, 0], [b, t, r]);
    pre = tf.add(pre, tf.reshape(tf.matMul(tf.reshape(tap, [b * t, r]), tf.reshape(tf.slice(w.dilatedKernel, [j, 0, 0], [1, r, 2 * r]), [r, 2 * r])), [b, t, 2 * r]));
  }
  if (c !== null && w.conditioningKernel !== null) pre = tf.add(pre, tf.expandDims(tf.matMul(c, w.conditioningKernel), 1));
  const z = tf.mul(tf.tanh(tf.slice(pre, [0, 0, 0], [b, t, r])), tf.sigmoid(tf.slice(pre, [0, 0, r], [b, t, r])));
  const z2 = tf.reshape(z, [b * t, r]);
  const s = w.skipKernel.shape[1]!;
  return [tf.add(x, tf.reshape(tf.add(tf.matMul(z2, w.residualKernel), w.residualBias), [b, t, r])), tf.reshape(tf.add(tf.matMul(z2, w.skipKernel), w.skipBias), [b, t, s])];
}

const CASES = [
  { name: 'K 2, d 1', b: 2, t: 9, r: 3, s: 5, k: 2, d: 1, g: 0 },
  { name: 'K 3, d 2, conditioned', b: 2, t: 11, r: 4, s: 3, k: 3, d: 2, g: 3 },
  { name: 'K 1', b: 1, t: 5, r: 2, s: 4, k: 1, d: 1, g: 0 },
  { name: 'K 2, d 8 > T: a tap that only sees the zeros before the start', b: 3, t: 6, r: 3, s: 2, k: 2, d: 8, g: 2 },
];

describe.each(BACKENDS)('waveNetBlockOp on %s', (backend) => {
  useBackend(backend);

  it.each(CASES.flatMap((c) => [false, true].map((recompute) => ({ ...c, recompute }))))('$name, recompute $recompute: values and the gradient of every input', ({ b, t, r, s, k, d, g, recompute }) => {
    let seed = 1;
    const rand = (shape: number[]) => tf.randomNormal(shape, 0, 0.7, 'float32', seed++);
    const x = rand([b, t, r]);
    const c = g > 0 ? rand([b, g]) : null;
    const weights = [rand([k, r, 2 * r]), rand([2 * r]), ...(c === null ? [] : [rand([g, 2 * r])]), rand([r, r]), rand([r]), rand([r, s]), rand([s])];
    const asWeights = (ws: tf.Tensor[]): WaveNetBlockWeights => {
      const [dk, db, ...rest] = ws;
      const ck = c === null ? null : rest.shift()!;
      return { dilatedKernel: dk!, dilatedBias: db!, conditioningKernel: ck, residualKernel: rest[0]!, residualBias: rest[1]!, skipKernel: rest[2]!, skipBias: rest[3]! };
    };
    const cotR = rand([b, t, r]);
    const cotS = rand([b, t, s]);
    const inputs = [x, ...(c === null ? [] : [c]), ...weights];
    const split = (all: tf.Tensor[]) => ({ xi: all[0]!, ci: c === null ? null : all[1]!, ws: all.slice(c === null ? 1 : 2) });
    const objective = (outs: tf.Tensor[]) => tf.add(tf.sum(tf.mul(outs[0]!, cotR)), tf.sum(tf.mul(outs[1]!, cotS))) as tf.Scalar;
    const viaOp = (...all: tf.Tensor[]) => {
      const { xi, ci, ws } = split(all);
      const { residual, skip } = waveNetBlockOp(asWeights(ws), xi, ci, d, recompute);
      return objective([residual, skip]);
    };
    const viaPlain = (...all: tf.Tensor[]) => {
      const { xi, ci, ws } = split(all);
      return objective(plainBlock(asWeights(ws), xi, ci, d));
    };
    const before = tf.memory().numTensors;
    const got = tf.grads(viaOp)(inputs);
    const want = tf.grads(viaPlain)(inputs);
    expect(got.map((t) => t.shape)).toEqual(inputs.map((t) => t.shape));
    got.forEach((gi, i) => expectAllClose(gi.dataSync() as Float32Array, want[i]!.dataSync() as Float32Array, 2e-5));
    const value = tf.tidy(() => viaOp(...inputs).dataSync()[0]!);
    expect(value).toBeCloseTo(tf.tidy(() => viaPlain(...inputs).dataSync()[0]!), 4);
    tf.dispose([...got, ...want]);
    expect(tf.memory().numTensors).toBe(before); // nothing kept for the backward pass outlives it
    tf.dispose([...inputs, cotR, cotS]);
  });
});
