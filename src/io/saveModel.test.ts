import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValueError } from '../errors.js';
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

/** Asserts that `loaded` holds exactly `original`'s weight bytes, in order. */
function expectSameWeights(loaded: tfl.LayersModel, original: tfl.LayersModel): void {
  const a = weightBytes(original);
  const b = weightBytes(loaded);
  expect(b.length).toBe(a.length);
  expect(a.length).toBeGreaterThan(0);
  a.forEach((bytes, i) => expect(Buffer.compare(bytes, b[i]!), `weight ${i}`).toBe(0));
}

/** Runs `body` as if in a runtime without `process.getBuiltinModule` (a browser, for the file system). */
async function withoutBuiltinModules(body: () => Promise<void>): Promise<void> {
  const proc = process as { getBuiltinModule?: unknown };
  const own = Object.getOwnPropertyDescriptor(proc, 'getBuiltinModule');
  Object.defineProperty(proc, 'getBuiltinModule', { value: undefined, configurable: true, writable: true });
  try {
    await body();
  } finally {
    if (own !== undefined) Object.defineProperty(proc, 'getBuiltinModule', own);
    else delete proc.getBuiltinModule;
  }
}

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

describe('saveModel / loadModel: every kind of location', () => {
  it('takes file:// URLs, and a load may name the model.json', async () => {
    const model = smallModel(11);
    const dir = join(root, 'file url');
    await saveModel(model, pathToFileURL(dir).href);
    expect(readdirSync(dir).sort()[0]).toBe('model.json');
    const byFolderUrl = await loadModel(pathToFileURL(dir).href);
    const byJsonUrl = await loadModel(pathToFileURL(join(dir, 'model.json')).href);
    const byJsonPath = await loadModel(join(dir, 'model.json'));
    for (const loaded of [byFolderUrl, byJsonUrl, byJsonPath]) {
      expectSameWeights(loaded, model);
      loaded.dispose();
    }
    model.dispose();
  });

  it('takes any tf.io IOHandler (in memory here), bit-exactly', async () => {
    const model = smallModel(12);
    let saved: tf.io.ModelArtifacts | undefined;
    const result = await saveModel(
      model,
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(result.modelArtifactsInfo.modelTopologyType).toBe('JSON');
    expect(saved?.weightSpecs?.every((s) => s.dtype === 'float32')).toBe(true);
    const loaded = await loadModel(tf.io.fromMemory(saved!));
    expectSameWeights(loaded, model);
    model.dispose();
    loaded.dispose();
  });

  it('loads over http:// from a server holding a saved folder', async () => {
    const model = smallModel(13);
    const dir = join(root, 'served');
    await saveModel(model, dir);
    const requested: string[] = [];
    const server: Server = createServer((request, response) => {
      requested.push(request.url ?? '');
      try {
        const body = readFileSync(join(dir, decodeURIComponent((request.url ?? '/').slice(1))));
        response.writeHead(200).end(body);
      } catch {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const loaded = await loadModel(`${base}/model.json`);
      expectSameWeights(loaded, model);
      expect(requested[0]).toBe('/model.json');
      expect(requested.some((r) => /^\/weights\.[0-9a-f]{16}\.bin$/.test(r))).toBe(true);
      loaded.dispose();
      await expect(loadModel(`${base}/missing/model.json`)).rejects.toThrow(/404/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      model.dispose();
    }
  });

  it('names the function and the scheme for a URL this environment cannot serve', async () => {
    const model = smallModel(14);
    for (const url of ['indexeddb://gen', 'localstorage://gen', 'downloads://gen']) {
      const scheme = url.split(':')[0]!;
      await expect(saveModel(model, url)).rejects.toThrow(ValueError);
      await expect(saveModel(model, url)).rejects.toThrow(
        new RegExp(`^saveModel: invalid \`destination\`: expected a location this environment can save to; no tf\\.io handler saves to ${scheme}:// here: it needs a browser`),
      );
    }
    for (const url of ['indexeddb://gen', 'localstorage://gen']) {
      const scheme = url.split(':')[0]!;
      await expect(loadModel(url)).rejects.toThrow(new RegExp(`^loadModel: invalid \`source\`: .*no tf\\.io handler loads from ${scheme}:// here: it needs a browser.*received "${url}"\\.$`));
    }
    await expect(loadModel('s3://bucket/model.json')).rejects.toThrow(/^loadModel: invalid `source`: .*no tf\.io handler loads from s3:\/\/ here \(register one with tf\.io\.registerLoadRouter/);
    await expect(saveModel(model, 's3://bucket/x')).rejects.toThrow(/^saveModel: invalid `destination`: .*no tf\.io handler saves to s3:\/\/ here \(register one with tf\.io\.registerSaveRouter/);
    model.dispose();
  });

  it('a folder path or file:// URL without Node\'s file system (a browser) is a clear error', async () => {
    const model = smallModel(15);
    await withoutBuiltinModules(async () => {
      await expect(saveModel(model, join(root, 'browser'))).rejects.toThrow(/^saveModel: the folder path ".*browser" needs Node's file system .*; use 'indexeddb:\/\/name'/);
      await expect(loadModel('models/gen')).rejects.toThrow(/^loadModel: the folder path "models\/gen" needs Node's file system/);
      await expect(loadModel('file:///tmp/gen')).rejects.toThrow(/^loadModel: the file:\/\/ URL "file:\/\/\/tmp\/gen" needs Node's file system/);
      // A handler made elsewhere fails at save time with the same message.
      await expect(model.save(fileSystemHandler(join(root, 'browser')))).rejects.toThrow(/^saveModel: the folder path .* needs Node's file system/);
    });
    model.dispose();
  });

  it('rejects what is not a location or options', async () => {
    const model = smallModel(16);
    // @ts-expect-error: not a destination.
    await expect(saveModel(model, 42)).rejects.toThrow(/^saveModel: invalid `destination`: expected a folder path, a URL .* or a tf\.io\.IOHandler with a `save` method, received 42\.$/);
    await expect(saveModel(model, '')).rejects.toThrow(/^saveModel: invalid `destination`: .*received ""\.$/);
    // A handler that can only load is not a save destination.
    const loadOnly: tf.io.IOHandler = { load: async () => ({}) };
    await expect(saveModel(model, loadOnly)).rejects.toThrow(/^saveModel: invalid `destination`: .*`save` method, received \{\}\.$/);
    // @ts-expect-error: not options.
    await expect(loadModel(join(root, 'roundtrip'), null)).rejects.toThrow(/^loadModel: invalid `options`: expected an object \(tf\.io\.LoadOptions\), received null\.$/);
    expect(() => fileSystemHandler('')).toThrow(/^fileSystemHandler: invalid `dir`: expected a non-empty path string, received ""\.$/);
    model.dispose();
  });
});

describe('saveModel / loadModel: tensors', () => {
  let dir = '';
  beforeAll(async () => {
    dir = join(root, 'leaks');
    const model = smallModel(17);
    await saveModel(model, dir);
    model.dispose();
  });

  it('a save, a load and the loaded model\'s dispose leave the tensor count as it was', async () => {
    const model = smallModel(18);
    const before = tf.memory().numTensors;
    await saveModel(model, join(root, 'leaks-save'));
    expect(tf.memory().numTensors).toBe(before);
    const loaded = await loadModel(dir);
    expect(tf.memory().numTensors).toBeGreaterThan(before);
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('calls that throw leave the tensor count as it was', async () => {
    const model = smallModel(19);
    const before = tf.memory().numTensors;
    await expect(saveModel(model, 'indexeddb://x')).rejects.toThrow(ValueError);
    await expect(loadModel('indexeddb://x')).rejects.toThrow(ValueError);
    await expect(loadModel(join(root, 'nowhere'))).rejects.toThrow(ValueError);
    const truncated = join(root, 'leaks-truncated');
    await saveModel(model, truncated);
    truncateSync(join(truncated, readdirSync(truncated).find((f) => f.endsWith('.bin'))!), 8);
    await expect(loadModel(truncated)).rejects.toThrow(/truncated/);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
