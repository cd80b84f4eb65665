import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../../test/backends.js';
import { registerWasmKernels } from '../wasm/registerWasmKernels.js';
import { buildDCGAN } from './buildDCGAN.js';

function trainableParams(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + w.read().size, 0);
}

function dispose(...models: tfl.LayersModel[]): void {
  for (const m of models) m.dispose();
}

describe('buildDCGAN', () => {
  it('reproduces the PyTorch DCGAN tutorial pair at 64×64×3', () => {
    const { generator, discriminator } = buildDCGAN({ imageSize: 64, channels: 3, latentDim: 100 });
    expect(trainableParams(generator)).toBe(3_576_704);
    expect(trainableParams(discriminator)).toBe(2_765_568);
    expect(generator.inputs[0]!.shape).toEqual([null, 100]);
    expect(generator.outputs[0]!.shape).toEqual([null, 64, 64, 3]);
    expect(discriminator.inputs[0]!.shape).toEqual([null, 64, 64, 3]);
    expect(discriminator.outputs[0]!.shape).toEqual([null, 1]);
    // Layer for layer: 5 transposed convolutions and 4 batch norms in G,
    // 5 convolutions and 3 batch norms in D, and no convolution bias.
    const kinds = (m: tfl.LayersModel) => m.layers.map((l) => l.getClassName());
    expect(kinds(generator).filter((k) => k === 'Conv2DTranspose')).toHaveLength(5);
    expect(kinds(generator).filter((k) => k === 'BatchNormalization')).toHaveLength(4);
    expect(kinds(discriminator).filter((k) => k === 'Conv2D')).toHaveLength(5);
    expect(kinds(discriminator).filter((k) => k === 'BatchNormalization')).toHaveLength(3);
    for (const layer of [...generator.layers, ...discriminator.layers]) {
      expect(layer.weights.some((w) => w.name.includes('bias') && !w.name.includes('batch'))).toBe(false);
    }
    dispose(generator, discriminator);
  });

  it('dispose() frees both models exactly once (conditional too); spreading the result copies the two models only', () => {
    for (const config of [{ imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 2, discriminatorFilters: 2, seed: 1 }, { imageSize: 8, numClasses: 3, seed: 2 }]) {
      const before = tf.memory().numTensors;
      const gan = buildDCGAN(config);
      expect(tf.memory().numTensors).toBeGreaterThan(before);
      expect(Object.keys({ ...gan })).toEqual(['generator', 'discriminator']);
      gan.dispose();
      expect(tf.memory().numTensors).toBe(before);
      gan.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('gives the generator and the discriminator, and their label embeddings, different seeds', () => {
    const gan = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 2, discriminatorFilters: 2, numClasses: 2, seed: 3 });
    const table = (m: tfl.LayersModel, name: string) => Array.from(m.getLayer(name).getWeights()[0]!.dataSync());
    // The tables are [2, 4] and [2, 32], drawn from one N(0, 0.02): equal seeds would give equal first values.
    const g = table(gan.generator, 'g_label_embedding');
    const d = table(gan.discriminator, 'd_label_embedding');
    expect([g.length, d.length]).toEqual([8, 64]);
    expect(g).not.toEqual(d.slice(0, 8));
    gan.dispose();
  });

  it('builds MNIST-sized (28×28) and every power-of-two size with the right shapes', () => {
    for (const imageSize of [8, 16, 28, 32]) {
      const { generator, discriminator } = buildDCGAN({
        imageSize,
        channels: 1,
        latentDim: 8,
        generatorFilters: 4,
        discriminatorFilters: 4,
        seed: 1,
      });
      const z = tf.randomNormal([2, 8], 0, 1, 'float32', 3);
      const images = generator.predict(z) as tf.Tensor;
      expect(images.shape).toEqual([2, imageSize, imageSize, 1]);
      const values = images.dataSync();
      expect(Math.max(...values)).toBeLessThanOrEqual(1);
      expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
      const logits = discriminator.predict(images) as tf.Tensor;
      expect(logits.shape).toEqual([2, 1]);
      tf.dispose([z, images, logits]);
      dispose(generator, discriminator);
    }
  });

  it('initializes kernels from N(0, 0.02) and batch-norm scales from N(1, 0.02)', () => {
    const { generator, discriminator } = buildDCGAN({ imageSize: 32, channels: 3, seed: 7 });
    const kernel = discriminator.getLayer('d_conv1').getWeights()[0]!.dataSync() as Float32Array;
    const mean = kernel.reduce((a, b) => a + b, 0) / kernel.length;
    const std = Math.sqrt(kernel.reduce((a, b) => a + (b - mean) ** 2, 0) / kernel.length);
    expect(Math.abs(mean)).toBeLessThan(0.002);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
    const gamma = generator.getLayer('g_bn0').getWeights()[0]!.dataSync() as Float32Array;
    const gMean = gamma.reduce((a, b) => a + b, 0) / gamma.length;
    expect(Math.abs(gMean - 1)).toBeLessThan(0.01);
    dispose(generator, discriminator);
  });

  it('is deterministic with a seed, and different seeds give different weights', () => {
    const cfg = { imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 2, discriminatorFilters: 2 };
    const a = buildDCGAN({ ...cfg, seed: 5 });
    const b = buildDCGAN({ ...cfg, seed: 5 });
    const c = buildDCGAN({ ...cfg, seed: 6 });
    const flat = (m: tfl.LayersModel) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));
    expect(flat(a.generator)).toEqual(flat(b.generator));
    expect(flat(a.discriminator)).toEqual(flat(b.discriminator));
    expect(flat(a.generator)).not.toEqual(flat(c.generator));
    // Two layers of equal shape do not share weights.
    dispose(a.generator, a.discriminator, b.generator, b.discriminator, c.generator, c.discriminator);
  });

  it('rejects invalid configs before creating any variable', () => {
    const before = tf.memory().numTensors;
    expect(() => buildDCGAN({ imageSize: 30 })).toThrow(
      /^buildDCGAN: invalid `imageSize`: expected a power of two >= 8 or 28, received 30\.$/,
    );
    expect(() => buildDCGAN({ imageSize: 4 })).toThrow(/invalid `imageSize`.*received 4/);
    expect(() => buildDCGAN({ channels: 0 })).toThrow(/buildDCGAN: invalid `channels`: expected a positive integer, received 0/);
    expect(() => buildDCGAN({ latentDim: 2.5 })).toThrow(/invalid `latentDim`.*received 2\.5/);
    expect(() => buildDCGAN({ generatorFilters: -1 })).toThrow(/invalid `generatorFilters`/);
    expect(() => buildDCGAN({ discriminatorFilters: Number.NaN })).toThrow(/invalid `discriminatorFilters`.*NaN/);
    expect(() => buildDCGAN({ seed: -3 })).toThrow(/invalid `seed`: expected a non-negative integer, received -3/);
    // @ts-expect-error: a misspelt field is caught at run time too.
    expect(() => buildDCGAN({ imgSize: 28 })).toThrow(/buildDCGAN: unknown config field `imgSize`/);
    // @ts-expect-error: not an object.
    expect(() => buildDCGAN(28)).toThrow(/buildDCGAN: invalid `config`: expected an object, received 28/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors in a forward pass', () => {
    const { generator, discriminator } = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 2, discriminatorFilters: 2, seed: 1 });
    const z = tf.randomNormal([3, 4]);
    const before = tf.memory().numTensors;
    const logits = tf.tidy(() => discriminator.predict(generator.predict(z) as tf.Tensor) as tf.Tensor);
    expect(tf.memory().numTensors).toBe(before + 1);
    logits.dispose();
    expect(tf.memory().numTensors).toBe(before);
    z.dispose();
    dispose(generator, discriminator);
  });
});

describe('conditional DCGAN (numClasses)', () => {
  it('conditions both networks on the label, trains with labels, and samples requested classes', async () => {
    const { buildDCGAN: build } = await import('./buildDCGAN.js');
    const { trainGAN } = await import('../training/trainGAN.js');
    const { sampleGAN } = await import('./sampleGAN.js');
    const { generator, discriminator } = build({ imageSize: 8, channels: 1, latentDim: 6, generatorFilters: 4, discriminatorFilters: 4, numClasses: 3, seed: 2 });
    expect(generator.inputs.map((i) => i.shape)).toEqual([[null, 6], [null, 1]]);
    expect(discriminator.inputs.map((i) => i.shape)).toEqual([[null, 8, 8, 1], [null, 1]]);
    const z = tf.randomNormal([2, 6], 0, 1, 'float32', 1);
    const img = generator.predict([z, tf.tensor2d([[0], [0]], [2, 1], 'int32')]) as tf.Tensor;
    const other = generator.predict([z, tf.tensor2d([[2], [2]], [2, 1], 'int32')]) as tf.Tensor;
    expect(Array.from(other.dataSync())).not.toEqual(Array.from(img.dataSync())); // the label changes the image
    const d0 = discriminator.predict([img, tf.tensor2d([[0], [0]], [2, 1], 'int32')]) as tf.Tensor;
    const d1 = discriminator.predict([img, tf.tensor2d([[1], [1]], [2, 1], 'int32')]) as tf.Tensor;
    expect(Array.from(d1.dataSync())).not.toEqual(Array.from(d0.dataSync())); // and the score

    const data = tf.randomUniform([24, 8, 8, 1], -1, 1, 'float32', 3);
    const labels = tf.tensor1d(Array.from({ length: 24 }, (_, i) => i % 3), 'int32');
    const optimizers = { generatorOptimizer: tf.train.adam(1e-3), discriminatorOptimizer: tf.train.adam(1e-3) };
    await trainGAN({ generator, discriminator, data, labels, steps: 1, batchSize: 8, seed: 1, ...optimizers });
    const before = tf.memory().numTensors;
    const r = await trainGAN({ generator, discriminator, data, labels, steps: 3, batchSize: 8, seed: 1, ...optimizers });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.history.generatorLoss.every(Number.isFinite)).toBe(true);
    const samples = sampleGAN(generator, 4, { seed: 1, labels: tf.tensor1d([0, 1, 2, 1], 'int32') });
    expect(samples.shape).toEqual([4, 8, 8, 1]);

    await expect(trainGAN({ generator, discriminator, data, steps: 1 })).rejects.toThrow(/the generator is conditional \(3 classes\); pass `labels`/);
    await expect(trainGAN({ generator, discriminator, data, labels: tf.tensor1d(new Array(24).fill(3), 'int32'), steps: 1 })).rejects.toThrow(
      /invalid `labels`: expected class ids that are integers in \[0, 3\), received "3 at index 0"/,
    );
    expect(() => sampleGAN(generator, 2, { seed: 1 })).toThrow(/the generator is conditional \(3 classes\); pass `labels`/);
    expect(() => build({ numClasses: 0 })).toThrow(/buildDCGAN: invalid `numClasses`: expected a positive integer, received 0/);
  });
});

describe('conditional WGAN-GP (wasm, for speed: a conv double backward on cpu takes minutes)', () => {
  useBackend('wasm');

  it('trains a projection critic without batch norm with the conditioned gradient penalty: each class moves to its grey level', async () => {
    const { trainGAN } = await import('../training/trainGAN.js');
    const { sampleGAN } = await import('./sampleGAN.js');
    registerWasmKernels();
    const { generator, discriminator } = buildDCGAN({
      imageSize: 16, channels: 1, latentDim: 6, generatorFilters: 4, discriminatorFilters: 8, numClasses: 3, discriminatorNormalization: 'layer', seed: 5,
    });
    expect(discriminator.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
    expect(discriminator.layers.filter((l) => l.getClassName() === 'LayerNorm')).toHaveLength(1);
    // Class k: images near the grey level -0.6, 0, 0.6.
    const levels = [-0.6, 0, 0.6];
    const n = 96;
    const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), 'int32');
    const data = tf.tidy(() => tf.add(tf.reshape(tf.sub(tf.mul(tf.cast(labels, 'float32'), 0.6), 0.6), [n, 1, 1, 1]), tf.randomNormal([n, 16, 16, 1], 0, 0.05, 'float32', 6)));
    /** Mean over classes of |mean generated grey level − the class's level|, and the spread of the class means. */
    const levelError = () =>
      tf.tidy(() => {
        const ask = tf.tensor1d(Array.from({ length: 48 }, (_, i) => i % 3), 'int32');
        const means = tf.mean(tf.reshape(sampleGAN(generator, 48, { labels: ask, seed: 9 }), [16, 3, 256]), [0, 2]).dataSync();
        const error = levels.reduce((a, l, k) => a + Math.abs(means[k]! - l), 0) / 3;
        return { error, spread: Math.max(...means) - Math.min(...means) };
      });
    const before = levelError();
    const optimizers = { generatorOptimizer: tf.train.adam(3e-3, 0, 0.9), discriminatorOptimizer: tf.train.adam(3e-3, 0, 0.9) };
    await trainGAN({ generator, discriminator, data, labels, loss: 'wgan-gp', steps: 1, discriminatorSteps: 4, batchSize: 24, seed: 1, ...optimizers });
    const count = tf.memory().numTensors;
    const r = await trainGAN({ generator, discriminator, data, labels, loss: 'wgan-gp', steps: 90, discriminatorSteps: 4, batchSize: 24, seed: 2, ...optimizers });
    expect(tf.memory().numTensors).toBe(count);
    expect(r.history.discriminatorLoss.every(Number.isFinite)).toBe(true);
    const after = levelError();
    expect(before.error).toBeGreaterThan(0.35);
    expect(before.spread).toBeLessThan(0.1); // untrained: the label barely changes the image
    expect(after.error).toBeLessThan(before.error * 0.8);
    expect(after.spread).toBeGreaterThan(0.5); // trained: the label sets the grey level
    expect(() => buildDCGAN({ discriminatorNormalization: 'instance' as never })).toThrow(
      /buildDCGAN: invalid `discriminatorNormalization`: expected one of 'batch', 'layer', 'none', received "instance"/,
    );
  });
});

describe('AC-GAN (auxiliaryClassifier)', () => {
  it('gives the discriminator a class head that trainGAN trains, with no leaks', async () => {
    const { buildDCGAN: build } = await import('./buildDCGAN.js');
    const { trainGAN } = await import('../training/trainGAN.js');
    const { generator, discriminator } = build({ imageSize: 8, channels: 1, latentDim: 6, generatorFilters: 4, discriminatorFilters: 8, numClasses: 3, auxiliaryClassifier: true, seed: 4 });
    expect(discriminator.inputs.map((i) => i.shape)).toEqual([[null, 8, 8, 1]]);
    expect(discriminator.outputs.map((o) => o.shape)).toEqual([[null, 1], [null, 3]]);
    // Class k: images near the grey level -0.8, 0, 0.8.
    const n = 96;
    const labels = tf.tensor1d(Array.from({ length: n }, (_, i) => i % 3), 'int32');
    const data = tf.tidy(() => tf.add(tf.reshape(tf.sub(tf.mul(tf.cast(labels, 'float32'), 0.8), 0.8), [n, 1, 1, 1]), tf.randomNormal([n, 8, 8, 1], 0, 0.1, 'float32', 5)));
    // Cross-entropy of the class head on the real images (inference mode).
    const classLoss = () =>
      tf.tidy(() => {
        const [, classLogits] = discriminator.predict(data) as tf.Tensor[];
        return tf.mean(tf.neg(tf.sum(tf.mul(tf.oneHot(labels, 3), tf.logSoftmax(classLogits!)), 1))).dataSync()[0]!;
      });
    const optimizers = { generatorOptimizer: tf.train.adam(2e-3, 0.5), discriminatorOptimizer: tf.train.adam(2e-3, 0.5) };
    const untrained = classLoss();
    await trainGAN({ generator, discriminator, data, labels, steps: 1, batchSize: 24, seed: 1, ...optimizers });
    const before = tf.memory().numTensors;
    await trainGAN({ generator, discriminator, data, labels, steps: 30, batchSize: 24, seed: 2, ...optimizers });
    expect(tf.memory().numTensors).toBe(before);
    const trained = classLoss();
    expect(trained).toBeLessThan(untrained * 0.7);
    expect(() => build({ auxiliaryClassifier: true })).toThrow(/invalid `auxiliaryClassifier`: expected false unless numClasses is given, received true/);
  });
});
