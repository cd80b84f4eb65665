import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectNoLeaks, useBackend } from '../../test/backends.js';
import { NoiseInjection, noiseInjection } from './NoiseInjection.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe.each(BACKENDS)('NoiseInjection on %s', (backend) => {
  useBackend(backend);

  it('starts as the identity, and adds strength-scaled noise shared by the channels', () => {
    const layer = noiseInjection({ seed: 5 });
    const x = tf.randomNormal([2, 4, 4, 3], 0, 1, 'float32', 1);
    expect(values(layer.apply(x, { training: true }) as tf.Tensor)).toEqual(values(x));
    layer.setWeights([tf.tensor1d([1, 2, 0])]);
    const d = tf.sub(layer.apply(x, { training: true }) as tf.Tensor, x); // [2, 4, 4, 3]
    const [c0, c1, c2] = tf.split(d, 3, 3);
    expect(values(c1!)).toEqual(values(tf.mul(c0!, 2)).map((v) => expect.closeTo(v, 5)) as unknown as number[]);
    expect(values(c2!).every((v) => v === 0)).toBe(true);
    const m = tf.moments(c0!);
    expect(Math.abs(m.mean.dataSync()[0]!)).toBeLessThan(0.5);
    expectNoLeaks(() => layer.apply(x, { training: true }) as tf.Tensor);
    expectNoLeaks(() => layer.apply(x) as tf.Tensor);
  });

  it('is deterministic: same seed and calls give the same noise; training draws change per call; inference noise is fixed and shared by the batch', () => {
    const make = () => {
      const l = new NoiseInjection({ seed: 7 });
      tf.dispose(l.apply(tf.zeros([1, 3, 3, 2])) as tf.Tensor);
      l.setWeights([tf.ones([2])]);
      return l;
    };
    const a = make();
    const b = make();
    const x = tf.zeros([3, 3, 3, 2]);
    const a1 = values(a.apply(x, { training: true }) as tf.Tensor);
    const a2 = values(a.apply(x, { training: true }) as tf.Tensor);
    expect(values(b.apply(x, { training: true }) as tf.Tensor)).toEqual(a1);
    expect(values(b.apply(x, { training: true }) as tf.Tensor)).toEqual(a2);
    expect(a2).not.toEqual(a1);
    const i1 = a.apply(x) as tf.Tensor;
    expect(values(a.apply(x) as tf.Tensor)).toEqual(values(i1));
    const [first, second] = tf.split(i1, [1, 2], 0);
    expect(values(tf.slice(second!, [0], [1]))).toEqual(values(first!)); // one noise image for the batch
    expect(new NoiseInjection({ seed: 8 }).getConfig()['seed']).toBe(8);
    expect(typeof new NoiseInjection().getConfig()['seed']).toBe('number'); // drawn, then saved
  });
});

describe('NoiseInjection', () => {
  it('rejects bad arguments', () => {
    expect(() => noiseInjection({ seed: -1 })).toThrow(/NoiseInjection: invalid `seed`: expected a non-negative integer, received -1/);
    expect(() => noiseInjection({ strength: 1 } as never)).toThrow(/unknown args field `strength`/);
    expect(() => noiseInjection({ name: 'n' }).apply(tf.zeros([2, 3]))).toThrow(/NoiseInjection 'n': invalid input shape: expected \[B, H, W, C\]/);
  });
});
