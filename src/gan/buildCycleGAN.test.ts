import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { loadModel } from '../io/loadModel.js';
import { saveModel } from '../io/saveModel.js';
import { registerWasmKernels } from '../wasm/registerWasmKernels.js';
import { buildCycleGAN, type CycleGAN } from './buildCycleGAN.js';
import { InstanceNormalization } from './InstanceNormalization.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-generative-cyclegan-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const TINY = { imageSize: 8, channels: 1, residualBlocks: 1, generatorFilters: 2, discriminatorFilters: 2 } as const;

function trainableParams(model: tfl.LayersModel): number {
  return model.trainableWeights.reduce((n, w) => n + w.read().size, 0);
}

function disposeAll(models: CycleGAN): void {
  models.dispose();
}

describe('buildCycleGAN', () => {
  it("has the authors' parameter counts at the paper's widths, plus γ per instance norm (no bias before a norm)", () => {
    // junyanz/pytorch-CycleGAN-and-pix2pix prints 11.378 M (ResnetGenerator, ngf 64, 9 blocks)
    // and 2.765 M (NLayerDiscriminator, ndf 64, 3 layers): 11,378,179 and 2,764,737 with a bias
    // on every convolution and non-affine instance norms. Here each instance norm has γ and β
    // in place of the preceding convolution's bias: + C parameters per norm.
    const generatorNormChannels = 64 + 128 + 256 + 9 * 2 * 256 + 128 + 64; // 5,248
    const discriminatorNormChannels = 128 + 256 + 512; // 896
    const models = buildCycleGAN({ imageSize: 32, channels: 3, residualBlocks: 9, generatorFilters: 64, discriminatorFilters: 64, discriminatorLayers: 3 });
    expect(trainableParams(models.generatorAB)).toBe(11_378_179 + generatorNormChannels);
    expect(trainableParams(models.generatorBA)).toBe(11_378_179 + generatorNormChannels);
    expect(trainableParams(models.discriminatorA)).toBe(2_764_737 + discriminatorNormChannels);
    const kinds = (m: tfl.LayersModel) => m.layers.map((l) => l.getClassName());
    expect(kinds(models.generatorAB).filter((k) => k === 'InstanceNormalization')).toHaveLength(23);
    expect(kinds(models.generatorAB).filter((k) => k === 'Conv2DTranspose')).toHaveLength(2);
    expect(kinds(models.generatorAB).filter((k) => k === 'Add')).toHaveLength(9);
    expect(kinds(models.discriminatorB).filter((k) => k === 'InstanceNormalization')).toHaveLength(3);
    disposeAll(models);
  });

  it('maps images to images and to patch-logit maps at every allowed size', () => {
    for (const [imageSize, layers, patch] of [[8, 2, 2], [12, 2, 3], [16, 1, 8], [28, 2, 7], [64, undefined, 8]] as const) {
      const models = buildCycleGAN({ ...TINY, imageSize, channels: 3, ...(layers === undefined ? {} : { discriminatorLayers: layers }) });
      for (const g of [models.generatorAB, models.generatorBA]) {
        expect(g.inputs[0]!.shape).toEqual([null, imageSize, imageSize, 3]);
        expect(g.outputs[0]!.shape).toEqual([null, imageSize, imageSize, 3]);
      }
      for (const d of [models.discriminatorA, models.discriminatorB]) {
        expect(d.inputs[0]!.shape).toEqual([null, imageSize, imageSize, 3]);
        expect(d.outputs[0]!.shape).toEqual([null, patch, patch, 1]);
      }
      disposeAll(models);
    }
  });

  it('gives the same weights for the same seed, and four different models', () => {
    const weights = (m: CycleGAN) => Object.values(m).map((model) => Array.from(model.getWeights()[0]!.dataSync()));
    const a = buildCycleGAN({ ...TINY, seed: 3 });
    const b = buildCycleGAN({ ...TINY, seed: 3 });
    const c = buildCycleGAN({ ...TINY, seed: 4 });
    expect(weights(a)).toEqual(weights(b));
    expect(weights(a)).not.toEqual(weights(c));
    const [gab, gba, da, db] = weights(a);
    expect(gab).not.toEqual(gba);
    expect(da).not.toEqual(db);
    for (const m of [a, b, c]) disposeAll(m);
  });

  it('dispose() frees the four models exactly once; spreading the result copies the four models only', () => {
    const before = tf.memory().numTensors;
    const models = buildCycleGAN({ ...TINY, seed: 1 });
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    expect(Object.keys({ ...models })).toEqual(['generatorAB', 'generatorBA', 'discriminatorA', 'discriminatorB']);
    models.dispose();
    expect(tf.memory().numTensors).toBe(before);
    models.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('validates the whole config before creating any variable', () => {
    const before = tf.memory().numTensors;
    const cases: [object, RegExp][] = [
      [{ imageSize: 30 }, /buildCycleGAN: invalid `imageSize`: expected a multiple of 4, at least 8 \(the generators downsample twice by 2\), received 30\./],
      [{ imageSize: 4 }, /invalid `imageSize`: .* received 4\./],
      [{ imageSize: '32' }, /invalid `imageSize`: .* received "32"\./],
      [{ channels: 0 }, /buildCycleGAN: invalid `channels`: expected a positive integer, received 0\./],
      [{ residualBlocks: -1 }, /buildCycleGAN: invalid `residualBlocks`: expected a non-negative integer, received -1\./],
      [{ generatorFilters: 1.5 }, /invalid `generatorFilters`: expected a positive integer, received 1\.5\./],
      [{ discriminatorFilters: 0 }, /invalid `discriminatorFilters`: expected a positive integer, received 0\./],
      [{ imageSize: 12, discriminatorLayers: 3 }, /buildCycleGAN: invalid `discriminatorLayers`: expected a count n with 2\^n dividing imageSize 12, received 3\./],
      [{ seed: -2 }, /invalid `seed`: expected a non-negative integer, received -2\./],
      [{ imagesize: 32 }, /buildCycleGAN: unknown config field `imagesize`: expected one of `imageSize`/],
    ];
    for (const [config, message] of cases) expect(() => buildCycleGAN(config as never)).toThrow(message);
    expect(() => buildCycleGAN(null as never)).toThrow(/buildCycleGAN: invalid `config`: expected an object, received null\./);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe.each(BACKENDS)('buildCycleGAN on %s', (backend) => {
  useBackend(backend);

  it('runs all four models, and saves and loads them (InstanceNormalization registered) with equal outputs', async () => {
    if (backend === 'wasm') expect(registerWasmKernels()).toBe(true);
    const models = buildCycleGAN({ ...TINY, seed: 1 });
    const x = tf.tidy(() => tf.tanh(tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 2)));
    for (const [name, model] of Object.entries(models)) {
      const dir = join(root, `${backend}-${name}`);
      await saveModel(model, dir);
      const loaded = await loadModel(dir);
      expect(loaded.layers.some((l) => l instanceof InstanceNormalization)).toBe(true);
      const [y0, y1] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
      expect(y1.shape).toEqual(y0.shape);
      expect(Array.from(y1.dataSync())).toEqual(Array.from(y0.dataSync()));
      if (name.startsWith('generator')) expect(Math.max(...Array.from(tf.abs(y0).dataSync()))).toBeLessThanOrEqual(1);
      tf.dispose([y0, y1]);
      loaded.dispose();
    }
    x.dispose();
    disposeAll(models);
  });
});
