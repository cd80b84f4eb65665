import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectAllClose, expectNoLeaks, useBackend } from '../../test/backends.js';
import { sparseCategoricalCrossEntropyFromLogits } from './sparseCategoricalCrossEntropyFromLogits.js';

interface CeCase { name: string; B: number; T: number; V: number; labelSmoothing: number; logits: number[]; labels: number[]; mask: number[] | null; loss: number; logitsGrad: number[] }
const fixture = JSON.parse(readFileSync(new URL('../../test/fixtures/attention.json', import.meta.url), 'utf8')) as { crossEntropy: CeCase[] };

describe.each(BACKENDS)('sparseCategoricalCrossEntropyFromLogits on %s', (backend) => {
  useBackend(backend);

  it.each(fixture.crossEntropy.map((c) => [c.name, c] as const))('matches torch cross_entropy (%s): value and logit gradient', (_n, c) => {
    const logits = tf.tensor(c.logits, [c.B, c.T, c.V]);
    const labels = tf.tensor(c.labels, [c.B, c.T], 'int32');
    const mask = c.mask === null ? undefined : tf.tensor(c.mask, [c.B, c.T]);
    const options = { labelSmoothing: c.labelSmoothing, ...(mask ? { mask } : {}) };
    const loss = sparseCategoricalCrossEntropyFromLogits(labels, logits, options);
    expect(loss.dataSync()[0]!).toBeCloseTo(c.loss, 5);
    const grad = tf.grad((l: tf.Tensor) => sparseCategoricalCrossEntropyFromLogits(labels, l, options))(logits);
    expectAllClose(grad.dataSync() as Float32Array, Float32Array.from(c.logitsGrad), 1e-5);
    expectNoLeaks(() => sparseCategoricalCrossEntropyFromLogits(labels, logits, options));
  });

  it('is stable for huge logits and 0 when everything is masked', () => {
    const logits = tf.tensor2d([[1000, -1000, 0], [-1000, 1000, 0]]);
    const labels = tf.tensor1d([0, 0], 'int32');
    expect(sparseCategoricalCrossEntropyFromLogits(labels, logits).dataSync()[0]).toBeCloseTo(1000, 3); // (0 + 2000) / 2
    expect(sparseCategoricalCrossEntropyFromLogits(labels, logits, { mask: tf.zeros([2]) }).dataSync()[0]).toBe(0);
  });
});

describe('sparseCategoricalCrossEntropyFromLogits errors', () => {
  it('names the shapes and fields', () => {
    expect(() => sparseCategoricalCrossEntropyFromLogits(tf.zeros([2, 3], 'int32'), tf.zeros([2, 4, 5]))).toThrow(
      /labels and logits do not agree: .* received labels \[2, 3\] and logits \[2, 4, 5\]/,
    );
    expect(() => sparseCategoricalCrossEntropyFromLogits(tf.zeros([2], 'int32'), tf.zeros([2, 5]), { mask: tf.ones([3]) })).toThrow(
      /invalid `mask` shape: expected the labels' shape \[2\], received \[3\]/,
    );
    expect(() => sparseCategoricalCrossEntropyFromLogits(tf.zeros([2], 'int32'), tf.zeros([2, 5]), { labelSmoothing: 1 })).toThrow(/invalid `labelSmoothing`/);
  });
});

describe('sparseCategoricalCrossEntropyFromLogits with labels outside the vocabulary', () => {
  it('is NaN for an unmasked label outside [0, V), and ignores any label a mask hides (padding)', () => {
    const logits = tf.tensor2d([[1, 2, 3], [0.5, 0, -1]]);
    const nan = (labels: number[], mask?: number[]) =>
      tf.tidy(() => sparseCategoricalCrossEntropyFromLogits(tf.tensor1d(labels, 'int32'), logits, mask === undefined ? {} : { mask: tf.tensor1d(mask) }).dataSync()[0]!);
    expect(nan([0, 3])).toBeNaN();
    expect(nan([-1, 1])).toBeNaN();
    expect(nan([2, 3], [1, 1])).toBeNaN();
    // Padding: label -1 under a zero mask counts for nothing.
    expect(nan([2, -1], [1, 0])).toBeCloseTo(nan([2, 0], [1, 0]), 6);
    expect(Number.isFinite(nan([2, 1]))).toBe(true);
    logits.dispose();
  });
});
