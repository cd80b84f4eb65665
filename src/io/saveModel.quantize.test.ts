// saveModel's quantize option: tfjs's own quantized manifest, read by loadModel and stock tf.loadLayersModel.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { buildDCGAN } from '../gan/buildDCGAN.js';
import { loadModel } from './loadModel.js';
import { saveModel } from './saveModel.js';

/** Saves to memory and returns the artifacts saveModel handed to the handler. */
async function saved(model: tfl.LayersModel, quantize?: 'int8' | 'float16'): Promise<tf.io.ModelArtifacts> {
  let out: tf.io.ModelArtifacts | undefined;
  const handler = tf.io.withSaveHandler(async (a) => {
    out = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  });
  await saveModel(model, handler, quantize === undefined ? {} : { quantize });
  return out!;
}

const BYTES: Record<string, number> = { uint8: 1, float16: 2, float32: 4 };
const size = (s: tf.io.WeightsManifestEntry) => s.shape.reduce((n, d) => n * d, 1);

describe('saveModel: quantize', () => {
  it.each(['int8', 'float16'] as const)('%s: manifest bytes exact, each weight within the quantization step, read by loadModel and tf.loadLayersModel', async (mode) => {
    const { generator } = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 4 } as never);
    const plain = await saved(generator);
    const before = tf.memory().numTensors;
    const q = await saved(generator, mode);
    const specs = q.weightSpecs!;
    const expected = specs.reduce((n, s) => n + size(s) * BYTES[s.quantization?.dtype ?? s.dtype]!, 0);
    expect((q.weightData as ArrayBuffer).byteLength).toBe(expected);
    expect(specs.filter((s) => s.shape.length >= 2).every((s) => s.quantization?.dtype === (mode === 'int8' ? 'uint8' : 'float16'))).toBe(true);
    expect(specs.filter((s) => s.shape.length < 2).every((s) => s.quantization === undefined)).toBe(true);
    expect((plain.weightData as ArrayBuffer).byteLength / expected).toBeGreaterThanOrEqual(mode === 'int8' ? 3.4 : 1.9);
    const ours = await loadModel(tf.io.fromMemory(q));
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory(q));
    const original = generator.getWeights().map((w) => w.dataSync());
    const a = ours.getWeights().map((w) => Array.from(w.dataSync()));
    expect(theirs.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(a);
    original.forEach((values, i) => {
      const spec = specs[i]!;
      values.forEach((v, j) => {
        const tol = spec.quantization?.scale !== undefined ? spec.quantization.scale / 2 + Math.abs(v) * 2 ** -23 : spec.quantization !== undefined ? Math.max(Math.abs(v) * 2 ** -11, 2 ** -25) : 0;
        expect(Math.abs(a[i]![j]! - v)).toBeLessThanOrEqual(tol);
      });
    });
    ours.dispose();
    theirs.dispose();
    expect(tf.memory().numTensors).toBe(before);
    generator.dispose();
  });

  it('refuses a bad quantize before writing anything', async () => {
    const { generator } = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 4 } as never);
    let called = false;
    const handler = tf.io.withSaveHandler(async () => {
      called = true;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    });
    await expect(saveModel(generator, handler, { quantize: 'int4' as never })).rejects.toThrow(/saveModel: invalid `options\.quantize`/);
    expect(called).toBe(false);
    generator.dispose();
  });
});
