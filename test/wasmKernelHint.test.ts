// On the stock wasm backend (registerWasmKernels() never called: this file runs in a
// process of its own, vitest's `pool: 'forks'`), training fails on a kernel tfjs-backend-wasm
// 4.22 lacks. The error keeps tfjs's message, points to registerWasmKernels(), and the
// failed call leaves no tensor behind.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDCGAN } from '../src/gan/buildDCGAN.js';
import { trainGAN } from '../src/training/trainGAN.js';

describe('training on the stock wasm backend without registerWasmKernels()', () => {
  const found = tf.getBackend();
  beforeAll(async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
  });
  afterAll(async () => {
    await tf.setBackend(found);
  });

  it('rethrows the missing-kernel error with the hint, leaking nothing', async () => {
    // The precondition: the stock backend lacks the convolution's filter gradient.
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeUndefined();
    const gan = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 2, discriminatorFilters: 2, seed: 1 });
    const images = tf.randomUniform([8, 8, 8, 1], -1, 1, 'float32', 1);
    const before = tf.memory().numTensors;
    const error = (await trainGAN(gan, images, { batchSize: 4, steps: 1 }).catch((e: unknown) => e)) as Error;
    expect(tf.memory().numTensors).toBe(before);
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/^Kernel '\w+' not registered for backend 'wasm'\. .*call registerWasmKernels\(\) from 'tfjs-generative\/wasm'/);
    expect((error.cause as Error).message).toMatch(/^Kernel '\w+' not registered for backend 'wasm'$/);
    images.dispose();
    gan.generator.dispose();
    gan.discriminator.dispose();
  });
});
