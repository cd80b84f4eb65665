import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildDCGAN } from './buildDCGAN.js';
import { sampleGAN } from './sampleGAN.js';

const small = () => buildDCGAN({ imageSize: 8, channels: 1, latentDim: 6, generatorFilters: 2, discriminatorFilters: 2, seed: 1 });

describe('sampleGAN', () => {
  it('returns count samples in [-1, 1], the same for the same seed', () => {
    const { generator, discriminator } = small();
    const a = sampleGAN(generator, 5, { seed: 3 });
    const b = sampleGAN(generator, 5, { seed: 3, batchSize: 2 });
    const c = sampleGAN(generator, 5, { seed: 4 });
    expect(a.shape).toEqual([5, 8, 8, 1]);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
    const values = a.dataSync();
    expect(Math.max(...values)).toBeLessThanOrEqual(1);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    tf.dispose([a, b, c]);
    generator.dispose();
    discriminator.dispose();
  });

  it('decodes given latents exactly as predict does, in inference mode', () => {
    const { generator, discriminator } = small();
    const z = tf.randomNormal([3, 6], 0, 1, 'float32', 9) as tf.Tensor2D;
    const viaSample = sampleGAN(generator, 3, { latents: z });
    const viaPredict = generator.predict(z) as tf.Tensor;
    expect(Array.from(viaSample.dataSync())).toEqual(Array.from(viaPredict.dataSync()));
    tf.dispose([z, viaSample, viaPredict]);
    generator.dispose();
    discriminator.dispose();
  });

  it('leaks no tensors and rejects bad arguments', () => {
    const { generator, discriminator } = small();
    const before = tf.memory().numTensors;
    sampleGAN(generator, 2, { seed: 1 }).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => sampleGAN(generator, 0)).toThrow(/sampleGAN: invalid `count`: expected a positive integer, received 0/);
    const wrong = tf.zeros([2, 5]) as tf.Tensor2D;
    expect(() => sampleGAN(generator, 2, { latents: wrong })).toThrow(/sampleGAN: invalid `latents` shape: expected \[null, 6\], received \[2, 5\]/);
    const three = tf.zeros([3, 6]) as tf.Tensor2D;
    expect(() => sampleGAN(generator, 2, { latents: three })).toThrow(/`count` \(2\) must equal the number of `latents` \(3\)/);
    expect(() => sampleGAN(discriminator, 2)).toThrow(/sampleGAN: invalid `generator`: expected an input of shape \[null, Z\] \(and labels \[null, 1\]\), received \[null, 8, 8, 1\]/);
    tf.dispose([wrong, three]);
    generator.dispose();
    discriminator.dispose();
  });
});
