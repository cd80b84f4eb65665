// Gradients are registered by tfjs-layers, which this file does not import.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectNoLeaks, useBackend } from '../../test/backends.js';
import { cycleConsistencyLoss } from './cycleConsistencyLoss.js';
import { identityLoss } from './identityLoss.js';

describe.each(BACKENDS)('CycleGAN losses on %s', (backend) => {
  useBackend(backend);

  it.each([
    ['cycleConsistencyLoss', cycleConsistencyLoss],
    ['identityLoss', identityLoss],
  ] as const)('%s is the mean absolute difference, with the gradient sign(x − y)/n', (_name, loss) => {
    const a = [0.5, -1, 0.25, 0, 2, -0.75];
    const b = [0, -0.5, 0.25, 1, -1, -1];
    const x = tf.tensor4d(a, [2, 1, 3, 1]);
    const y = tf.tensor4d(b, [2, 1, 3, 1]);
    const expected = a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length; // (0.5 + 0.5 + 0 + 1 + 3 + 0.25) / 6
    const value = loss(x, y);
    expect(value.shape).toEqual([]);
    expect(value.dataSync()[0]).toBeCloseTo(expected, 6);
    const grad = tf.grad((t: tf.Tensor) => loss(t, y))(x);
    // d/dx mean|x − y| = sign(x − y)/n where x ≠ y (at x = y, |·| has no derivative).
    const g = grad.dataSync();
    a.forEach((v, i) => {
      if (v !== b[i]) expect(g[i]).toBeCloseTo(Math.sign(v - b[i]!) / a.length, 7);
    });
    expect(loss(x, x).dataSync()[0]).toBe(0);
    expectNoLeaks(() => loss(x, y));
    tf.dispose([x, y, value, grad]);
  });
});

describe('CycleGAN losses', () => {
  it('reject tensors of different shapes, printing both', () => {
    const x = tf.zeros([2, 4, 4, 1]);
    const y = tf.zeros([2, 4, 4, 3]);
    expect(() => cycleConsistencyLoss(x, y)).toThrow(
      /cycleConsistencyLoss: real and reconstructed must have the same shape: received \[2, 4, 4, 1\] and \[2, 4, 4, 3\]\./,
    );
    expect(() => identityLoss(x, tf.zeros([3, 4, 4, 1]))).toThrow(/identityLoss: real and mapped must have the same shape: received \[2, 4, 4, 1\] and \[3, 4, 4, 1\]\./);
    expect(() => identityLoss(x, [1] as never)).toThrow(/identityLoss: invalid `mapped`: expected a tf\.Tensor, received \[1\]\./);
    tf.dispose([x, y]);
  });
});
