import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDCGAN } from '../gan/buildDCGAN.js';
import { fileSystemHandler } from './fileSystemHandler.js';
import { loadModel } from './loadModel.js';
import { saveModel } from './saveModel.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-generative-io-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function smallModel(seed: number): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [6, 6, 2], filters: 3, kernelSize: 3, kernelInitializer: tfl.initializers.glorotNormal({ seed }) }),
      tfl.layers.batchNormalization({ gammaInitializer: tfl.initializers.randomNormal({ mean: 1, stddev: 0.1, seed: seed + 1 }) }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2, kernelInitializer: tfl.initializers.glorotNormal({ seed: seed + 2 }), biasInitializer: tfl.initializers.randomNormal({ seed: seed + 3 }) }),
    ],
  });
}

const weightBytes = (m: tfl.LayersModel) => m.getWeights().map((w) => Buffer.from((w.dataSync() as Float32Array).buffer));

describe('saveModel / loadModel', () => {
  it('round-trips weights bit-exactly and predicts identically', async () => {
    const model = smallModel(1);
    const dir = join(root, 'roundtrip');
    const result = await saveModel(model, dir);
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(model.countParams() * 4);
    const loaded = await loadModel(dir);
    const a = weightBytes(model);
    const b = weightBytes(loaded);
    expect(b.length).toBe(a.length);
    a.forEach((bytes, i) => expect(Buffer.compare(bytes, b[i]!)).toBe(0));
    const x = tf.randomNormal([3, 6, 6, 2], 0, 1, 'float32', 5);
    const ya = model.predict(x) as tf.Tensor;
    const yb = loaded.predict(x) as tf.Tensor;
    expect(Array.from(yb.dataSync())).toEqual(Array.from(ya.dataSync()));
    tf.dispose([x, ya, yb]);
    model.dispose();
    loaded.dispose();
  });

  it('round-trips a DCGAN generator (batch-norm moving statistics included)', async () => {
    const { generator, discriminator } = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 4, generatorFilters: 2, discriminatorFilters: 2, seed: 3 });
    const dir = join(root, 'dcgan');
    await saveModel(generator, dir);
    const loaded = await loadModel(dir);
    const a = weightBytes(generator);
    weightBytes(loaded).forEach((bytes, i) => expect(Buffer.compare(bytes, a[i]!)).toBe(0));
    expect(loaded.layers.map((l) => l.name)).toEqual(generator.layers.map((l) => l.name));
    generator.dispose();
    discriminator.dispose();
    loaded.dispose();
  });

  it('keeps exactly one weights file and leaves no temporary files after saving twice', async () => {
    const dir = join(root, 'twice');
    const first = smallModel(2);
    const second = smallModel(9);
    await saveModel(first, dir);
    await saveModel(second, dir);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe('model.json');
    expect(files[1]).toMatch(/^weights\.[0-9a-f]{16}\.bin$/);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
    expect(json.weightsManifest[0]!.paths).toEqual([`./${files[1]}`]);
    const loaded = await loadModel(dir);
    expect(Buffer.compare(weightBytes(loaded)[0]!, weightBytes(second)[0]!)).toBe(0);
    first.dispose();
    second.dispose();
    loaded.dispose();
  });

  it('a save that fails part-way leaves the previous model loadable', async () => {
    const dir = join(root, 'crash');
    const original = smallModel(4);
    await saveModel(original, dir);
    // Simulate a crash after the weights were written but before model.json was
    // switched: a handler whose model.json write fails.
    const handler = fileSystemHandler(dir);
    const updated = smallModel(5);
    const artifacts = await new Promise<tf.io.ModelArtifacts>((resolve) => {
      void updated.save(tf.io.withSaveHandler(async (a) => {
        resolve(a);
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
    });
    // A topology that cannot be serialised makes the model.json step throw after the weights step.
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(handler.save!({ ...artifacts, modelTopology: cyclic })).rejects.toThrow();
    // A stray temporary file from a killed process is ignored too.
    writeFileSync(join(dir, '.model.json.tmp-1-abc'), '{"half');
    const loaded = await loadModel(dir);
    const a = weightBytes(original);
    weightBytes(loaded).forEach((bytes, i) => expect(Buffer.compare(bytes, a[i]!)).toBe(0));
    original.dispose();
    updated.dispose();
    loaded.dispose();
  });

  it('reports a missing folder and truncated weights clearly', async () => {
    await expect(loadModel(join(root, 'nowhere'))).rejects.toThrow(/loadModel: cannot read .*nowhere\/model\.json: no such file/);
    const dir = join(root, 'truncated');
    const model = smallModel(6);
    await saveModel(model, dir);
    const weights = readdirSync(dir).find((f) => f.endsWith('.bin'))!;
    truncateSync(join(dir, weights), 10);
    await expect(loadModel(dir)).rejects.toThrow(/loadModel: the weights in .* have 10 bytes, but model\.json describes \d+: the files are truncated/);
    writeFileSync(join(dir, 'model.json'), '{not json');
    await expect(loadModel(dir)).rejects.toThrow(/loadModel: .*model\.json is not valid JSON/);
    model.dispose();
  });

  it('rejects a non-model', async () => {
    // @ts-expect-error: not a model.
    await expect(saveModel({}, join(root, 'x'))).rejects.toThrow(/saveModel: invalid `model`: expected a tf.LayersModel/);
  });
});
