import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectNoLeaks, useBackend } from '../../test/backends.js';
import { scaledDotProductAttention } from './scaledDotProductAttention.js';

/** softmax(q·kᵀ/√d + m)·v for one head, in plain JS. */
function reference(q: number[][], k: number[][], v: number[][], mask: (i: number, j: number) => number) {
  const d = q[0]!.length;
  const weights = q.map((qi, i) => {
    const scores = k.map((kj, j) => qi.reduce((a, x, c) => a + x * kj[c]!, 0) / Math.sqrt(d) + mask(i, j));
    const max = Math.max(...scores);
    const e = scores.map((s) => Math.exp(s - max));
    const z = e.reduce((a, b) => a + b);
    return e.map((x) => x / z);
  });
  const output = weights.map((w) => v[0]!.map((_, c) => w.reduce((a, wj, j) => a + wj * v[j]![c]!, 0)));
  return { weights, output };
}

describe.each(BACKENDS)('scaledDotProductAttention on %s', (backend) => {
  useBackend(backend);
  const q = [[1, 0], [0.5, -1], [2, 1]];
  const k = [[0, 1], [1, 1], [-1, 0.5], [0.3, 0.2]];
  const v = [[1, 2, 3], [0, -1, 0.5], [2, 2, 2], [-1, 0, 1]];
  const t = (a: number[][]) => tf.tensor4d(a.flat(), [1, 1, a.length, a[0]!.length]);

  it('matches the closed form, with an additive mask, a keep-mask and a causal mask', () => {
    const additive = [[0, -1e9, 0, 0], [0, 0, 0, -1e9], [0, 0, 0, 0]];
    const cases = [
      { opts: {}, mask: () => 0 },
      { opts: { mask: tf.tensor2d(additive) }, mask: (i: number, j: number) => additive[i]![j]! },
      { opts: { mask: tf.tensor2d([[true, false, true, true], [true, true, true, false], [true, true, true, true]], [3, 4], 'bool') }, mask: (i: number, j: number) => additive[i]![j]! },
      // causal with S > T: query i is position S - T + i = i + 1.
      { opts: { causal: true }, mask: (i: number, j: number) => (j > i + 1 ? -1e9 : 0) },
    ];
    for (const { opts, mask } of cases) {
      const { output, weights } = scaledDotProductAttention(t(q), t(k), t(v), opts);
      const ref = reference(q, k, v, mask);
      const w = weights.arraySync()[0]![0]!;
      const o = output.arraySync()[0]![0]!;
      ref.weights.forEach((row, i) => row.forEach((x, j) => expect(w[i]![j]).toBeCloseTo(x, 5)));
      ref.output.forEach((row, i) => row.forEach((x, c) => expect(o[i]![c]).toBeCloseTo(x, 5)));
    }
  });

  it('keeps huge scores finite, gives a fully masked row uniform weights, and leaks nothing', () => {
    const big = tf.tensor4d([[[[1e4, 0], [0, 1e4]]]]);
    const { weights } = scaledDotProductAttention(big, big, big);
    expect(Array.from(weights.dataSync()).every(Number.isFinite)).toBe(true);
    const masked = scaledDotProductAttention(t(q), t(k), t(v), { mask: tf.fill([3, 4], -1e9) });
    for (const x of masked.weights.dataSync()) expect(x).toBeCloseTo(0.25, 5);
    const [tq, tk, tv] = [t(q), t(k), t(v)];
    expectNoLeaks(() => scaledDotProductAttention(tq, tk, tv, { causal: true, dropout: 0.5, seed: 1 }));
  });
});

describe('scaledDotProductAttention errors', () => {
  it('names the shapes that disagree and the mask that does not broadcast', () => {
    const q = tf.zeros([2, 4, 5, 8]);
    expect(() => scaledDotProductAttention(q, tf.zeros([2, 4, 6, 7]), tf.zeros([2, 4, 6, 3]))).toThrow(
      /query, key and value shapes do not agree: .* received query \[2, 4, 5, 8\], key \[2, 4, 6, 7\], value \[2, 4, 6, 3\]/,
    );
    expect(() => scaledDotProductAttention(q, q, q, { mask: tf.zeros([3, 5, 5]) })).toThrow(/invalid `mask` shape: \[3, 5, 5\] does not broadcast to \[2, 4, 5, 5\]/);
    expect(() => scaledDotProductAttention(tf.zeros([5, 8]), q, q)).toThrow(/invalid `query`: expected a rank-4 tensor/);
    expect(() => scaledDotProductAttention(q, q, q, { dropout: 1 })).toThrow(/invalid `dropout`/);
  });
});
