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

  it('takes conditional labels as an array (checked with no read from the backend) or a tensor, with the same samples', () => {
    const { generator, discriminator } = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 6, generatorFilters: 2, discriminatorFilters: 2, numClasses: 3, seed: 1 });
    const before = tf.memory().numTensors;
    const fromTensor = tf.tensor1d([0, 2, 1, 2], 'int32');
    const a = sampleGAN(generator, 4, { seed: 5, labels: fromTensor });
    const b = sampleGAN(generator, 4, { seed: 5, labels: [0, 2, 1, 2] });
    const c = sampleGAN(generator, 4, { seed: 5, labels: Int32Array.from([0, 2, 1, 2]) });
    const d = sampleGAN(generator, 4, { seed: 5, labels: [0, 2, 1, 1] });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(c.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(Array.from(d.dataSync())).not.toEqual(Array.from(a.dataSync()));
    tf.dispose([fromTensor, a, b, c, d]);
    expect(() => sampleGAN(generator, 2, { labels: [0, 3] })).toThrow(/sampleGAN: invalid `labels`: expected class ids that are integers in \[0, 3\), received "3 at index 1"/);
    expect(() => sampleGAN(generator, 2, { labels: [0.5, 1] })).toThrow(/received "0\.5 at index 0"/);
    expect(() => sampleGAN(generator, 3, { labels: [0, 1] })).toThrow(/sampleGAN: `labels` has 2 classes for 3 samples/);
    expect(() => sampleGAN(generator, 2, { labels: 'ab' as never })).toThrow(/pass `labels`, one class per sample \(an array or a tensor\)/);
    expect(tf.memory().numTensors).toBe(before);
    generator.dispose();
    discriminator.dispose();
  });
});
