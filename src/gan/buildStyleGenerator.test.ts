import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS, expectNoLeaks, useBackend } from '../../test/backends.js';
import { loadModel } from '../io/loadModel.js';
import { saveModel } from '../io/saveModel.js';
import { trainGAN } from '../training/trainGAN.js';
import { registerWasmKernels } from '../wasm/registerWasmKernels.js';
import { buildDCGAN } from './buildDCGAN.js';
import { buildStyleGenerator, type StyleGeneratorConfig } from './buildStyleGenerator.js';
import { ModulatedConv2D } from './ModulatedConv2D.js';
import { NoiseInjection } from './NoiseInjection.js';
import { sampleGAN } from './sampleGAN.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-generative-stylegan-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The smallest useful generator: 8×8 (4 → 8), 1 channel. */
const TINY: StyleGeneratorConfig = { imageSize: 8, channels: 1, latentDim: 8, mappingLayers: 2, filters: 8, seed: 1 };
const values = (t: tf.Tensor) => Array.from(t.dataSync());

/** Real 8×8 images: a bright square on a dark background, with a little noise. */
function squares(n: number): tf.Tensor4D {
  return tf.tidy(() => {
    const square = tf.pad(tf.ones([4, 4, 1]), [[2, 2], [2, 2], [0, 0]]); // [8, 8, 1]
    const base = tf.sub(tf.mul(square, 1.6), 0.8); // 0.8 inside, -0.8 outside
    return tf.add(tf.tile(tf.expandDims(base, 0), [n, 1, 1, 1]), tf.mul(tf.randomNormal([n, 8, 8, 1], 0, 1, 'float32', 3), 0.05)) as tf.Tensor4D;
  });
}

describe.each(BACKENDS)('buildStyleGenerator on %s', (backend) => {
  useBackend(backend);

  it('trains with trainGAN against the DCGAN discriminator: the samples move to the data; no leaks across steps', async () => {
    registerWasmKernels();
    const sg = buildStyleGenerator(TINY);
    const { discriminator } = buildDCGAN({ imageSize: 8, channels: 1, discriminatorFilters: 8, seed: 2 });
    const data = squares(64);
    const target = tf.mean(data, 0);
    const distance = () => tf.tidy(() => tf.mean(tf.abs(tf.sub(sampleGAN(sg.generator, 32, { seed: 9 }), target))).dataSync()[0]!);
    const before = distance();
    const generatorOptimizer = tf.train.adam(0.01, 0.5);
    const discriminatorOptimizer = tf.train.adam(0.01, 0.5);
    const opts = { generator: sg.generator, discriminator, data, batchSize: 16, seed: 4, generatorOptimizer, discriminatorOptimizer };
    const first = await trainGAN({ ...opts, steps: 2 });
    expect(first.history.generatorLoss.every(Number.isFinite)).toBe(true);
    const tensors = tf.memory().numTensors;
    await trainGAN({ ...opts, steps: 10 }); // measured: mean |G(z) − data| 0.74 → 0.19 (cpu), 0.25 (wasm)
    expect(tf.memory().numTensors).toBe(tensors);
    const after = distance();
    expect(after).toBeLessThan(before * 0.6);
    tf.dispose([data, target]);
    generatorOptimizer.dispose();
    discriminatorOptimizer.dispose();
    sg.dispose();
    discriminator.dispose();
  });

  it('gives the generator and the composed mapping → synthesis the same images, without leaks', () => {
    registerWasmKernels();
    const sg = buildStyleGenerator({ ...TINY, imageSize: 28 });
    const z = tf.randomNormal([3, 8], 0, 1, 'float32', 5);
    const direct = sg.generator.predict(z) as tf.Tensor;
    const composed = tf.tidy(() => {
      const w = sg.mapping.predict(z) as tf.Tensor; // [3, W]
      return sg.synthesis.predict(tf.tile(tf.expandDims(w, 1), [1, sg.numStyles, 1])) as tf.Tensor;
    });
    expect(direct.shape).toEqual([3, 28, 28, 1]);
    expect(values(composed)).toEqual(values(direct));
    expect(Math.max(...values(tf.abs(direct)))).toBeLessThanOrEqual(1);
    expectNoLeaks(() => sg.generator.predict(z) as tf.Tensor);
    expectNoLeaks(() => sg.generator.apply(z, { training: true }) as tf.Tensor);
    tf.dispose([z, direct, composed]);
    sg.dispose();
  });
});

describe('buildStyleGenerator', () => {
  it('builds 28×28 (from 7×7) and 32×32 (from 4×4) generators whose models share their weights', () => {
    const mnist = buildStyleGenerator({ imageSize: 28, channels: 1, latentDim: 16, styleDim: 12, filters: [16, 8, 4], seed: 1 });
    expect(mnist.generator.inputs[0]!.shape).toEqual([null, 16]);
    expect(mnist.generator.outputs[0]!.shape).toEqual([null, 28, 28, 1]);
    expect(mnist.mapping.outputs[0]!.shape).toEqual([null, 12]);
    expect(mnist.synthesis.inputs[0]!.shape).toEqual([null, 6, 12]);
    expect(mnist.numStyles).toBe(6);
    const rgb = buildStyleGenerator({ imageSize: 32, channels: 3, latentDim: 8, filters: 4, noise: false, seed: 1 });
    expect(rgb.generator.outputs[0]!.shape).toEqual([null, 32, 32, 3]);
    expect(rgb.numStyles).toBe(8);
    expect(rgb.generator.layers.some((l) => l instanceof NoiseInjection)).toBe(false);
    // The generator's trainable weights are exactly the mapping's plus the synthesis's.
    const ids = (ws: { id: number }[]) => ws.map((w) => w.id).sort((a, b) => a - b);
    expect(ids(mnist.generator.trainableWeights)).toEqual(ids([...mnist.mapping.trainableWeights, ...mnist.synthesis.trainableWeights]));
    expect(mnist.generator.layers.filter((l) => l instanceof ModulatedConv2D)).toHaveLength(5 + 3); // 1 + 2 + 2 convs, 3 toRGB
    // Start 7×7 with 16 filters; 1×1 toRGB without demodulation.
    expect(mnist.generator.getLayer('synthesis_constant').getWeights()[0]!.shape).toEqual([1, 7, 7, 16]);
    expect((mnist.generator.getLayer('b28_torgb') as ModulatedConv2D).demodulate).toBe(false);
    mnist.dispose();
    rgb.dispose();
  });

  it('disposes every variable', () => {
    const before = tf.memory().numTensors;
    buildStyleGenerator(TINY).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is deterministic with a seed: same weights, same seeded training run, same samples', async () => {
    const run = async () => {
      const sg = buildStyleGenerator(TINY);
      const { discriminator } = buildDCGAN({ imageSize: 8, channels: 1, discriminatorFilters: 4, seed: 2 });
      const data = squares(32);
      const result = await trainGAN({ generator: sg.generator, discriminator, data, batchSize: 8, steps: 3, seed: 6 });
      const samples = values(sampleGAN(sg.generator, 4, { seed: 1 }));
      data.dispose();
      sg.dispose();
      discriminator.dispose();
      return { history: result.history, samples };
    };
    const a = await run();
    const b = await run();
    expect(b.history).toEqual(a.history);
    expect(b.samples).toEqual(a.samples);
    const other = buildStyleGenerator({ ...TINY, seed: 2 });
    const same = buildStyleGenerator(TINY);
    const w0 = (m: typeof same) => values(m.generator.getLayer('b8_conv1').getWeights()[0]!);
    expect(w0(other)).not.toEqual(w0(same));
    other.dispose();
    same.dispose();
  });

  it('saves and loads the generator, which then gives the same images', async () => {
    const sg = buildStyleGenerator({ ...TINY, imageSize: 28 });
    // Move the noise strengths and the style biases away from their initial values.
    for (const w of sg.generator.trainableWeights) w.write(tf.tidy(() => tf.add(w.read(), tf.randomNormal(w.shape as number[], 0, 0.1, 'float32', 3))));
    const dir = join(root, 'style');
    await saveModel(sg.generator, dir);
    const loaded = await loadModel(dir);
    expect(loaded.layers.some((l) => l instanceof ModulatedConv2D)).toBe(true);
    const z = tf.randomNormal([4, 8], 0, 1, 'float32', 7);
    expect(values(loaded.predict(z) as tf.Tensor)).toEqual(values(sg.generator.predict(z) as tf.Tensor));
    loaded.dispose();
    sg.dispose();
  });

  it('validates the whole config before creating any variable, naming the field', () => {
    const before = tf.memory().numTensors;
    const cases: [unknown, RegExp][] = [
      [{ imageSize: 30 }, /buildStyleGenerator: invalid `imageSize`: expected an integer >= 8 that halves to 4, 5, 6 or 7 \(e\.g\. 28 or 32\), received 30\./],
      [{ imageSize: 4 }, /invalid `imageSize`.*received 4\./],
      [{ channels: 0 }, /invalid `channels`: expected a positive integer, received 0\./],
      [{ latentDim: 2.5 }, /invalid `latentDim`: expected a positive integer, received 2\.5\./],
      [{ styleDim: -1 }, /invalid `styleDim`/],
      [{ mappingLayers: 0 }, /invalid `mappingLayers`/],
      [{ imageSize: 28, filters: [8, 8] }, /invalid `filters`: expected a positive integer or 3 positive integers \(one per resolution from 7 to 28\), received \[8, 8\]\./],
      [{ filters: 0 }, /invalid `filters`/],
      [{ noise: 'on' }, /invalid `noise`: expected a boolean, received "on"\./],
      [{ seed: -2 }, /invalid `seed`: expected a non-negative integer, received -2\./],
      [{ imagesize: 28 }, /buildStyleGenerator: unknown config field `imagesize`: expected one of `imageSize`/],
      [null, /buildStyleGenerator: invalid `config`: expected an object, received null\./],
    ];
    for (const [config, message] of cases) expect(() => buildStyleGenerator(config as StyleGeneratorConfig)).toThrow(message);
    expect(tf.memory().numTensors).toBe(before);
  });
});
