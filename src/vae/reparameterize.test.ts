import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../../test/backends.js';
import { registerLayers } from '../io/registerLayers.js';
import { GaussianSample, gaussianSample } from './GaussianSample.js';
import { reparameterize } from './reparameterize.js';

/** Per-column sample mean and variance of a [N, Z] array. */
function columnStats(values: Float32Array, n: number, z: number): { mean: number[]; variance: number[] } {
  const mean = new Array<number>(z).fill(0);
  const sq = new Array<number>(z).fill(0);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < z; j++) {
      mean[j]! += values[i * z + j]!;
      sq[j]! += values[i * z + j]! ** 2;
    }
  }
  return {
    mean: mean.map((s) => s / n),
    variance: sq.map((s, j) => s / n - (mean[j]! / n) ** 2),
  };
}

describe.each(BACKENDS)('reparameterize on %s', (backend) => {
  useBackend(backend);

  it('draws from N(mean, exp(logVar)): sample statistics over 20,000 draws', () => {
    const n = 20_000;
    const means = [2, -1, 0];
    const logVars = [0, Math.log(4), Math.log(0.01)];
    const mean = tf.tidy(() => tf.tile(tf.tensor2d([means]), [n, 1]));
    const logVar = tf.tidy(() => tf.tile(tf.tensor2d([logVars]), [n, 1]));
    const z = reparameterize(mean, logVar, { seed: 3 });
    expect(z.shape).toEqual([n, 3]);
    const s = columnStats(z.dataSync() as Float32Array, n, 3);
    for (let j = 0; j < 3; j++) {
      const variance = Math.exp(logVars[j]!);
      // Standard errors: σ/√n for the mean, σ²·√(2/n) for the variance; allow 5 of them.
      expect(Math.abs(s.mean[j]! - means[j]!)).toBeLessThan(5 * Math.sqrt(variance / n));
      expect(Math.abs(s.variance[j]! - variance)).toBeLessThan(5 * variance * Math.sqrt(2 / n));
    }
    tf.dispose([mean, logVar, z]);
  });

  it('passes gradients to mean (1) and logVar (½ σ ε = ½ (z - mean))', () => {
    const mean = tf.tensor2d([[0.5, -1], [2, 0]]);
    const logVar = tf.tensor2d([[0, 1], [-2, 0.5]]);
    const w = tf.tensor2d([[1, 2], [3, 4]]);
    const z = reparameterize(mean, logVar, { seed: 9 });
    const [gMean, gLogVar] = tf.grads((m: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(reparameterize(m, v, { seed: 9 }), w)))([mean, logVar]);
    expect(Array.from(gMean!.dataSync())).toEqual([1, 2, 3, 4]);
    const expected = tf.tidy(() => tf.mul(tf.mul(0.5, tf.sub(z, mean)), w));
    const got = gLogVar!.dataSync();
    const want = expected.dataSync();
    for (let i = 0; i < 4; i++) expect(got[i]).toBeCloseTo(want[i]!, 5);
    expect(Math.max(...Array.from(got).map(Math.abs))).toBeGreaterThan(0.01); // not trivially zero
    tf.dispose([mean, logVar, w, z, gMean!, gLogVar!, expected]);
  });

  it('is deterministic with a seed, and leaks nothing', () => {
    const mean = tf.zeros([3, 4]);
    const logVar = tf.zeros([3, 4]);
    const a = reparameterize(mean, logVar, { seed: 1 });
    const b = reparameterize(mean, logVar, { seed: 1 });
    const c = reparameterize(mean, logVar, { seed: 2 });
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    const before = tf.memory().numTensors;
    tf.dispose(reparameterize(mean, logVar, { seed: 1 }));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([mean, logVar, a, b, c]);
  });

  it('GaussianSample samples in training, and by default at inference; with sampleAtInference false it passes the mean', () => {
    const mean = tf.tensor2d([[1, 2, 3]]);
    const logVar = tf.tensor2d([[0, 0, 0]]);
    const sampling = gaussianSample({ seed: 4 });
    const meanOnly = gaussianSample({ seed: 4, sampleAtInference: false });
    const trained = sampling.apply([mean, logVar], { training: true }) as tf.Tensor;
    const inferred = sampling.apply([mean, logVar]) as tf.Tensor;
    const passed = meanOnly.apply([mean, logVar]) as tf.Tensor;
    const trainedMeanOnly = meanOnly.apply([mean, logVar], { training: true }) as tf.Tensor;
    expect(Array.from(passed.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(inferred.dataSync())).not.toEqual([1, 2, 3]);
    expect(Array.from(trainedMeanOnly.dataSync())).not.toEqual([1, 2, 3]);
    // Same seed, same stream: the first draws of both layers are equal; each call takes the next draw.
    expect(Array.from(trainedMeanOnly.dataSync())).toEqual(Array.from(trained.dataSync()));
    expect(Array.from(inferred.dataSync())).not.toEqual(Array.from(trained.dataSync()));
    tf.dispose([mean, logVar, trained, inferred, passed, trainedMeanOnly]);
  });

  it('GaussianSample passes gradients to mean and logVar inside a model', () => {
    const m = tfl.input({ shape: [2] });
    const v = tfl.input({ shape: [2] });
    const z = gaussianSample({ seed: 1 }).apply([m, v]) as tfl.SymbolicTensor;
    const model = tfl.model({ inputs: [m, v], outputs: z });
    const mean = tf.tensor2d([[0, 1]]);
    const logVar = tf.tensor2d([[0.5, -0.5]]);
    const [gMean, gLogVar] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(model.apply([a, b], { training: true }) as tf.Tensor))([mean, logVar]);
    expect(Array.from(gMean!.dataSync())).toEqual([1, 1]);
    expect(Array.from(gLogVar!.dataSync()).every((g) => g !== 0 && Number.isFinite(g))).toBe(true);
    tf.dispose([mean, logVar, gMean!, gLogVar!]);
    model.dispose();
  });
});

describe('GaussianSample', () => {
  it('serializes: getConfig, fromConfig, and a saved model round trip', async () => {
    const layer = gaussianSample({ seed: 7, sampleAtInference: false, name: 'sampler' });
    expect(GaussianSample.className).toBe('GaussianSample');
    expect(layer.getConfig()).toMatchObject({ seed: 7, sampleAtInference: false, name: 'sampler' });
    registerLayers(); // the library's classes, GaussianSample among them
    const copy = GaussianSample.fromConfig(GaussianSample, layer.getConfig()) as GaussianSample;
    expect(copy).toBeInstanceOf(GaussianSample);
    expect(copy.seed).toBe(7);
    expect(copy.sampleAtInference).toBe(false);

    const m = tfl.input({ shape: [3] });
    const v = tfl.input({ shape: [3] });
    const model = tfl.model({ inputs: [m, v], outputs: layer.apply([m, v]) as tfl.SymbolicTensor });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
    const out = loaded.predict([tf.ones([2, 3]), tf.zeros([2, 3])]) as tf.Tensor;
    expect(Array.from(out.dataSync())).toEqual([1, 1, 1, 1, 1, 1]);
    out.dispose();
    model.dispose();
    loaded.dispose();
  });

  it('rejects mismatched shapes and bad arguments with clear messages', () => {
    const layer = gaussianSample();
    const a = tf.zeros([4, 2]);
    const b = tf.zeros([4, 3]);
    expect(() => layer.apply([a, b])).toThrow(/GaussianSample: mean and logVar must have the same shape: received \[4, 2\] and \[4, 3\]\./);
    expect(() => layer.apply(a)).toThrow(/GaussianSample '.*': expected two inputs \[mean, logVar\]/);
    expect(() => reparameterize(a, b)).toThrow(/^reparameterize: mean and logVar must have the same shape: received \[4, 2\] and \[4, 3\]\.$/);
    expect(() => gaussianSample({ seed: -1 })).toThrow(/GaussianSample: invalid `seed`: expected a non-negative integer, received -1/);
    // @ts-expect-error: not a boolean.
    expect(() => gaussianSample({ sampleAtInference: 'yes' })).toThrow(/invalid `sampleAtInference`: expected a boolean, received "yes"/);
    // @ts-expect-error: misspelt.
    expect(() => gaussianSample({ sed: 1 })).toThrow(/GaussianSample: unknown args field `sed`/);
    const m = tfl.input({ shape: [2] });
    const v = tfl.input({ shape: [3] });
    expect(() => gaussianSample().apply([m, v])).toThrow(/mean and logVar must have the same shape: received \[null, 2\] and \[null, 3\]/);
    tf.dispose([a, b]);
  });
});
