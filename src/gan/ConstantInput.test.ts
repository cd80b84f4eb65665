import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectNoLeaks, useBackend } from '../../test/backends.js';
import { constantInput } from './ConstantInput.js';

describe.each(BACKENDS)('ConstantInput on %s', (backend) => {
  useBackend(backend);

  it('repeats one learned constant per example, passes gradients to it, and leaks nothing', () => {
    const layer = constantInput({ size: 3, channels: 2, seed: 4 });
    const x = tf.zeros([5, 7]);
    const y = layer.apply(x) as tf.Tensor;
    expect(y.shape).toEqual([5, 3, 3, 2]);
    const [first, last] = [tf.slice(y, [0], [1]), tf.slice(y, [4], [1])];
    expect(Array.from(last.dataSync())).toEqual(Array.from(first.dataSync()));
    const v = layer.trainableWeights[0]!.read() as tf.Variable;
    const { value, grads } = tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor) as tf.Scalar, [v]);
    expect(Array.from(grads[v.name]!.dataSync()).every((g) => g === 5)).toBe(true); // summed over the batch
    expectNoLeaks(() => layer.apply(x) as tf.Tensor);
    tf.dispose([x, y, first, last, value, ...Object.values(grads)]);
  });
});

describe('ConstantInput', () => {
  it('rejects bad arguments', () => {
    expect(() => constantInput({ size: 0, channels: 2 })).toThrow(/ConstantInput: invalid `size`: expected a positive integer, received 0/);
    expect(() => constantInput({ size: 4, channels: 2, shape: [4] } as never)).toThrow(/unknown args field `shape`/);
  });
});
