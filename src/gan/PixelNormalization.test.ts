import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BACKENDS, expectNoLeaks, useBackend } from '../../test/backends.js';
import { PixelNormalization, pixelNormalization } from './PixelNormalization.js';

describe.each(BACKENDS)('PixelNormalization on %s', (backend) => {
  useBackend(backend);

  it('scales each vector to unit root mean square, without leaks', () => {
    const layer = pixelNormalization();
    const x = tf.tensor2d([[3, 4, 0, 0], [1, 1, 1, 1]]);
    const y = layer.apply(x) as tf.Tensor;
    // Row 1: mean square 25/4, so y = x / 2.5.
    expect(Array.from(y.dataSync())).toEqual([1.2, 1.6, 0, 0, 1, 1, 1, 1].map((v) => expect.closeTo(v, 6)) as unknown as number[]);
    expectNoLeaks(() => layer.apply(x) as tf.Tensor);
    tf.dispose([x, y]);
  });
});

describe('PixelNormalization', () => {
  it('round-trips its config and rejects a bad epsilon', () => {
    expect(new PixelNormalization(pixelNormalization({ epsilon: 1e-6 }).getConfig() as never).epsilon).toBe(1e-6);
    expect(() => pixelNormalization({ epsilon: 0 })).toThrow(/PixelNormalization: invalid `epsilon`: expected a positive finite number, received 0/);
  });
});
