import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS, expectNoLeaks, useBackend } from '../../test/backends.js';
import { loadModel } from '../io/loadModel.js';
import { saveModel } from '../io/saveModel.js';
import { registerWasmKernels } from '../wasm/registerWasmKernels.js';
import { trainGAN } from '../training/trainGAN.js';
import { SpectralNormalization, spectralNormalization } from './SpectralNormalization.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-generative-sn-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Largest singular value of a matrix [m, n] by 500 power iterations in float64. */
function largestSingularValue(values: Float32Array, m: number, n: number): number {
  let u = Array.from({ length: n }, (_, i) => Math.cos(i + 1));
  let sigma = 0;
  for (let it = 0; it < 500; it++) {
    const v = Array.from({ length: m }, (_, r) => u.reduce((a, x, c) => a + values[r * n + c]! * x, 0));
    const nv = Math.hypot(...v);
    const w = Array.from({ length: n }, (_, c) => v.reduce((a, x, r) => a + values[r * n + c]! * x, 0) / nv);
    sigma = Math.hypot(...w);
    u = w.map((x) => x / sigma);
  }
  return sigma;
}

describe.each(BACKENDS)('SpectralNormalization on %s', (backend) => {
  useBackend(backend);

  it.each([
    ['dense', () => tfl.layers.dense({ units: 6, kernelInitializer: tfl.initializers.randomNormal({ stddev: 1, seed: 2 }) }), [5, 9]],
    ['conv2d', () => tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', kernelInitializer: tfl.initializers.randomNormal({ stddev: 1, seed: 3 }) }), [2, 6, 6, 3]],
  ] as const)('normalizes a %s kernel to spectral norm 1 and lets gradients flow', (_n, make, shape) => {
    registerWasmKernels();
    const sn = spectralNormalization({ layer: make() });
    const x = tf.randomNormal([...shape], 0, 1, 'float32', 4);
    for (let i = 0; i < 40; i++) tf.dispose(sn.apply(x, { training: true }) as tf.Tensor);
    const kernel = sn.getWeights()[0]!;
    const n = kernel.shape[kernel.shape.length - 1]!;
    const raw = largestSingularValue(kernel.dataSync() as Float32Array, kernel.size / n, n);
    expect(raw).toBeGreaterThan(2); // the raw kernel is far from norm 1
    const normalized = tf.tidy(() => tf.div(kernel, sn.sigma(kernel)).dataSync() as Float32Array);
    expect(largestSingularValue(normalized, kernel.size / n, n)).toBeCloseTo(1, 2);
    const vars = sn.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(sn.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
    expect(Math.abs(tf.sum(tf.abs(grads[vars[0]!.name]!)).dataSync()[0]!)).toBeGreaterThan(0);
    expectNoLeaks(() => sn.apply(x) as tf.Tensor);
  });
});

describe('SpectralNormalization', () => {
  it('trains a 2-D GAN with the hinge loss: the generated mean moves to the data', async () => {
    const init = (s: number) => tfl.initializers.glorotUniform({ seed: s });
    const generator = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 16, activation: 'relu', kernelInitializer: init(1) }), tfl.layers.dense({ units: 2, kernelInitializer: init(2) })] });
    const discriminator = tfl.sequential({
      layers: [
        spectralNormalization({ layer: tfl.layers.dense({ units: 16, kernelInitializer: init(3) }), inputShape: [2] }),
        tfl.layers.leakyReLU({ alpha: 0.2 }),
        spectralNormalization({ layer: tfl.layers.dense({ units: 1, kernelInitializer: init(4) }) }),
      ],
    });
    const data = tf.tidy(() => tf.add(tf.mul(tf.randomNormal([512, 2], 0, 1, 'float32', 5), 0.1), tf.tensor1d([2, -1])));
    const distance = () => tf.tidy(() => tf.norm(tf.sub(tf.mean(generator.predict(tf.randomNormal([256, 4], 0, 1, 'float32', 9)) as tf.Tensor, 0), tf.tensor1d([2, -1]))).dataSync()[0]!);
    const before = distance();
    await trainGAN({ generator, discriminator, data, loss: 'hinge', steps: 150, batchSize: 64, seed: 3, generatorOptimizer: tf.train.adam(0.01, 0.5), discriminatorOptimizer: tf.train.adam(0.01, 0.5) });
    expect(distance()).toBeLessThan(before / 3);
  });

  it('saves and loads with its u vector, predicting identically', async () => {
    const model = tfl.sequential({
      layers: [spectralNormalization({ layer: tfl.layers.dense({ units: 5, activation: 'relu' }), inputShape: [3] }), tfl.layers.dense({ units: 1 })],
    });
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 1);
    for (let i = 0; i < 5; i++) tf.dispose(model.apply(x, { training: true }) as tf.Tensor);
    const dir = join(root, 'sn');
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(loaded.layers[0]).toBeInstanceOf(SpectralNormalization);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
    const u = (m: tfl.LayersModel) => Array.from(m.layers[0]!.getWeights()[2]!.dataSync());
    expect(u(loaded)).toEqual(u(model));
  });

  it('rejects layers it cannot normalize', () => {
    expect(() => spectralNormalization({ layer: tfl.layers.flatten() })).toThrow(
      /SpectralNormalization: invalid `layer`: expected a tf\.layers\.dense or tf\.layers\.conv2d layer, received "Flatten"/,
    );
  });
});
