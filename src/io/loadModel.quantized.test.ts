// loadModel reads tfjs-converter's quantized weights (uint8, uint16 with scale
// and min; float16) exactly as tf.loadLayersModel reads the same artifacts.
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from './loadModel.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-generative-quantized-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * Affine quantization as tfjs-converter's `quantization.py` does it: the range
 * [min, max] split into 2^bits − 1 steps, min nudged onto the grid, values
 * rounded to the nearest step.
 */
function quantizeAffine(values: Float32Array, dtype: 'uint8' | 'uint16'): { bytes: Uint8Array; scale: number; min: number } {
  const qMax = dtype === 'uint8' ? 255 : 65535;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const scale = hi > lo ? (hi - lo) / qMax : 1;
  const min = Math.round(lo / scale) * scale;
  const q = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  values.forEach((v, i) => {
    q[i] = Math.min(qMax, Math.max(0, Math.round((v - min) / scale)));
  });
  return { bytes: new Uint8Array(q.buffer), scale, min };
}

/** float32 → IEEE half-precision bits, rounding to nearest (normal and subnormal ranges, as small weights need). */
function toFloat16Bits(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  if (a === 0) return sign;
  if (a < 2 ** -14) return sign | Math.round(a / 2 ** -24);
  let e = Math.floor(Math.log2(a));
  let mantissa = Math.round((a / 2 ** e - 1) * 1024);
  if (mantissa === 1024) {
    e += 1;
    mantissa = 0;
  }
  return sign | ((e + 15) << 10) | mantissa;
}

/** The artifacts `model.save` hands to an IOHandler. */
async function artifactsOf(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/** A model's weights quantized one weight per scheme, as tfjs-converter writes them: specs and bytes. */
function quantized(model: tfl.LayersModel, specs: tf.io.WeightsManifestEntry[]): { specs: tf.io.WeightsManifestEntry[]; data: Uint8Array } {
  const schemes = ['uint8', 'uint16', 'float16', undefined] as const;
  const chunks: Uint8Array[] = [];
  const out = model.getWeights().map((w, i) => {
    const values = w.dataSync() as Float32Array;
    const scheme = schemes[i % schemes.length];
    const spec = specs[i]!;
    if (scheme === 'uint8' || scheme === 'uint16') {
      const { bytes, scale, min } = quantizeAffine(values, scheme);
      chunks.push(bytes);
      return { ...spec, quantization: { dtype: scheme, scale, min } };
    }
    if (scheme === 'float16') {
      chunks.push(new Uint8Array(Uint16Array.from(values, toFloat16Bits).buffer));
      return { ...spec, quantization: { dtype: 'float16' as const } };
    }
    chunks.push(new Uint8Array(values.slice().buffer));
    return spec;
  });
  const data = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    data.set(c, offset);
    offset += c.byteLength;
  }
  return { specs: out, data };
}

describe('loadModel: quantized weights (tfjs-converter\'s format)', () => {
  const build = () =>
    tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 5, inputShape: [3], kernelInitializer: tfl.initializers.glorotNormal({ seed: 1 }), biasInitializer: tfl.initializers.randomNormal({ seed: 2 }) }),
        tfl.layers.dense({ units: 2, kernelInitializer: tfl.initializers.glorotNormal({ seed: 3 }), biasInitializer: tfl.initializers.randomNormal({ seed: 4 }) }),
      ],
    });

  it('uint8, uint16 and float16 weights load as tf.loadLayersModel reads them, close to the originals', async () => {
    const model = build();
    const artifacts = await artifactsOf(model);
    const { specs, data } = quantized(model, artifacts.weightSpecs!);
    expect(specs.map((s) => s.quantization?.dtype)).toEqual(['uint8', 'uint16', 'float16', undefined]);
    // Two weights files, as tfjs-converter shards: the group's bytes split across them.
    const dir = join(root, 'model');
    mkdirSync(dir);
    const cut = 7;
    writeFileSync(join(dir, 'group1-shard1of2.bin'), data.subarray(0, cut));
    writeFileSync(join(dir, 'group1-shard2of2.bin'), data.subarray(cut));
    const json: tf.io.ModelJSON = {
      modelTopology: artifacts.modelTopology as object,
      format: 'layers-model',
      generatedBy: 'test',
      convertedBy: 'TensorFlow.js Converter (as written by it)',
      weightsManifest: [{ paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: specs }],
    };
    writeFileSync(join(dir, 'model.json'), JSON.stringify(json));

    const before = tf.memory().numTensors;
    const ours = await loadModel(dir);
    const theirs = await tfl.loadLayersModel(tf.io.fromMemory({ modelTopology: artifacts.modelTopology!, weightSpecs: specs, weightData: data.slice().buffer }));
    const a = ours.getWeights().map((w) => Array.from(w.dataSync()));
    const b = theirs.getWeights().map((w) => Array.from(w.dataSync()));
    expect(a).toEqual(b);
    // Dequantized, close to the originals (within half a step), and the unquantized bias exact.
    const original = model.getWeights().map((w) => Array.from(w.dataSync()));
    original.forEach((values, i) => {
      const spec = specs[i]!;
      const tolerance = spec.quantization?.scale !== undefined ? spec.quantization.scale / 2 + 1e-7 : spec.quantization !== undefined ? 1e-3 : 0;
      values.forEach((v, j) => expect(Math.abs(a[i]![j]! - v), `weight ${i}[${j}]`).toBeLessThanOrEqual(tolerance));
    });
    expect(a[3]).toEqual(original[3]);
    expect(a[0]).not.toEqual(original[0]); // really quantized, not the float32 bytes
    ours.dispose();
    theirs.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('sizes are counted in the quantized dtype: a truncated quantized file is refused before reading', async () => {
    const model = build();
    const artifacts = await artifactsOf(model);
    const { specs, data } = quantized(model, artifacts.weightSpecs!);
    const dir = join(root, 'truncated');
    mkdirSync(dir);
    writeFileSync(join(dir, 'w.bin'), data);
    writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['w.bin'], weights: specs }] }));
    const loaded = await loadModel(dir);
    loaded.dispose();
    // 3·5 uint8 + 5 uint16 + 5·2 float16 + 2 float32 = 15 + 10 + 20 + 8 bytes.
    expect(data.byteLength).toBe(53);
    truncateSync(join(dir, 'w.bin'), 52);
    await expect(loadModel(dir)).rejects.toThrow(/have 52 bytes, but model\.json describes 53: the files are truncated/);
    model.dispose();
  });
});
