import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKENDS, expectAllClose, useBackend } from '../../test/backends.js';
import { loadModel } from '../io/loadModel.js';
import { saveModel } from '../io/saveModel.js';
import { trainWaveNet } from '../training/trainWaveNet.js';
import { buildWaveNet, receptiveField } from './buildWaveNet.js';
import { generateAudio } from './generateAudio.js';

const root = mkdtempSync(join(tmpdir(), 'tfjs-generative-wavenet-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const small = { residualChannels: 8, skipChannels: 12, dilations: [1, 2, 4, 8], quantizationLevels: 32, seed: 3 };

describe.each(BACKENDS)('WaveNet on %s', (backend) => {
  useBackend(backend);

  it('fast generation gives exactly the naive loop\'s samples with the same seed (with and without conditioning)', async () => {
    const plain = buildWaveNet({ ...small, kernelSize: 3 });
    const fast = await generateAudio(plain, { length: 120, seed: 5, temperature: 1 });
    const naive = await generateAudio(plain, { length: 120, seed: 5, temperature: 1, method: 'naive' });
    expect(Array.from(fast.classes)).toEqual(Array.from(naive.classes));
    expect(new Set(fast.classes).size).toBeGreaterThan(3); // really sampled, not constant
    const conditioned = buildWaveNet({ ...small, conditioningDim: 3 });
    const conditioning = [0.5, -1, 2];
    const a = await generateAudio(conditioned, { length: 60, seed: 6, conditioning });
    const b = await generateAudio(conditioned, { length: 60, seed: 6, conditioning, method: 'naive' });
    expect(Array.from(a.classes)).toEqual(Array.from(b.classes));
    const other = await generateAudio(conditioned, { length: 60, seed: 6, conditioning: [0, 0, 0] });
    expect(Array.from(other.classes)).not.toEqual(Array.from(a.classes));
  });

  it('trains: a few steps lower the loss on a periodic signal, with no tensor leaks', async () => {
    const net = buildWaveNet(small);
    const audio = Float32Array.from({ length: 3000 }, (_, i) => 0.6 * Math.sin((2 * Math.PI * i) / 20) + 0.2 * Math.sin((2 * Math.PI * i) / 7));
    const optimizer = tf.train.adam(1e-2);
    await trainWaveNet(net, audio, { steps: 1, batchSize: 4, windowLength: 64, seed: 1, optimizer });
    const before = tf.memory().numTensors;
    const { history } = await trainWaveNet(net, audio, { steps: 30, batchSize: 4, windowLength: 64, seed: 2, optimizer });
    expect(tf.memory().numTensors).toBe(before);
    const first = history.loss.slice(0, 3).reduce((p, v) => p + v) / 3;
    const last = history.loss.slice(-3).reduce((p, v) => p + v) / 3;
    expect(first).toBeGreaterThan(Math.log(32) * 0.8);
    expect(last).toBeLessThan(first * 0.6);
  });

  it('recompute: the same loss and gradients as storing activations (also with conditioning), no leaks, kept by save/load', async () => {
    for (const extra of [{}, { conditioningDim: 3 }]) {
      const stored = buildWaveNet({ ...small, ...extra });
      const lean = buildWaveNet({ ...small, ...extra, recompute: true });
      lean.setWeights(stored.getWeights());
      const classes = tf.randomUniform([2, 40], 0, 32, 'int32', 4);
      const targets = tf.randomUniform([2, 40], 0, 32, 'int32', 5);
      const c = tf.tensor2d([[0.5, -1, 2], [1, 0, -0.5]]);
      const lossOf = (net: typeof stored) => () =>
        tf.tidy(() => {
          const logits = net.apply('conditioningDim' in extra ? [classes, c] : classes, { training: true }) as tf.Tensor;
          return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.reshape(targets, [-1]), 32), tf.reshape(logits, [-1, 32])) as tf.Scalar;
        });
      const gradsOf = (net: typeof stored) => tf.variableGrads(lossOf(net), net.trainableWeights.map((w) => w.read() as tf.Variable));
      const a = gradsOf(stored);
      const b = gradsOf(lean);
      expect(b.value.dataSync()[0]).toBeCloseTo(a.value.dataSync()[0]!, 5);
      // Names differ by a suffix (_1, …) between the two models. The last block's residual
      // output is unused, so neither model has a gradient for its residual projection.
      const base = (name: string) => name.replace(/_\d+$/, '');
      const gA = new Map(Object.entries(a.grads).map(([k, g]) => [base(k), g]));
      const gB = new Map(Object.entries(b.grads).map(([k, g]) => [base(k), g]));
      expect([...gB.keys()].sort()).toEqual([...gA.keys()].sort());
      expect(gB.size).toBe(lean.trainableWeights.length - 2);
      for (const [name, g] of gB) expectAllClose(g.dataSync() as Float32Array, gA.get(name)!.dataSync() as Float32Array, 1e-4);
      tf.dispose([a.value, b.value, ...Object.values(a.grads), ...Object.values(b.grads)]);
      gradsOf(lean); // warm-up done above; a second call must leave nothing behind
      const count = tf.memory().numTensors;
      const again = gradsOf(lean);
      tf.dispose([again.value, ...Object.values(again.grads)]);
      expect(tf.memory().numTensors).toBe(count);
      tf.dispose([classes, targets, c]);
      stored.dispose();
      if ('conditioningDim' in extra) {
        lean.dispose();
        continue;
      }
      const dir = join(root, `recompute-${backend}`);
      await saveModel(lean, dir);
      const loaded = await loadModel(dir);
      expect(loaded.layers.filter((l) => (l.getConfig() as { recompute?: boolean }).recompute === true)).toHaveLength(small.dilations.length);
      lean.dispose();
      loaded.dispose();
    }
  });
});

describe('buildWaveNet', () => {
  it('maps classes [B, T] to logits [B, T, Q], is causal, and has the receptive field of its formula', () => {
    const net = buildWaveNet(small);
    const ids = tf.tensor2d([[1, 5, 9, 2, 7, 7, 3, 0, 4, 8, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]], [1, 20], 'int32');
    const y = net.predict(ids) as tf.Tensor;
    expect(y.shape).toEqual([1, 20, 32]);
    const changed = tf.concat([tf.slice(ids, [0, 0], [1, 16]), tf.tensor2d([[31, 31, 31, 31]], [1, 4], 'int32')], 1);
    const y2 = net.predict(changed) as tf.Tensor;
    expect(Array.from(tf.slice(y2, [0, 0, 0], [1, 16, 32]).dataSync())).toEqual(Array.from(tf.slice(y, [0, 0, 0], [1, 16, 32]).dataSync()));
    // Output 19 sees inputs 19 - 15 … 19 (receptive field 16), not input 3.
    expect(receptiveField(small)).toBe(16);
    const early = tf.concat([tf.tensor2d([[9, 9, 9, 9]], [1, 4], 'int32'), tf.slice(ids, [0, 4], [1, 16])], 1);
    const y3 = net.predict(early) as tf.Tensor;
    expect(Array.from(tf.slice(y3, [0, 19, 0], [1, 1, 32]).dataSync())).toEqual(Array.from(tf.slice(y, [0, 19, 0], [1, 1, 32]).dataSync()));
    expect(receptiveField({ dilations: { layersPerCycle: 10, cycles: 3 } })).toBe(3070);
    expect(receptiveField({ kernelSize: 3, dilations: [1, 2, 4] })).toBe(15);
  });

  it('round-trips through saveModel/loadModel and generates the same samples after', async () => {
    const net = buildWaveNet({ ...small, conditioningDim: 2 });
    const dir = join(root, 'wavenet');
    await saveModel(net, dir);
    const loaded = await loadModel(dir);
    const a = await generateAudio(net, { length: 50, seed: 1, conditioning: [1, 0] });
    const b = await generateAudio(loaded, { length: 50, seed: 1, conditioning: [1, 0] });
    expect(Array.from(b.classes)).toEqual(Array.from(a.classes));
  });

  it('rejects bad configs and calls with messages naming the field', async () => {
    const before = tf.memory().numTensors;
    expect(() => buildWaveNet({ kernelSize: 0 })).toThrow(/buildWaveNet: invalid `kernelSize`: expected an integer >= 1, received 0/);
    expect(() => buildWaveNet({ dilations: [1, 2, 0] })).toThrow(/invalid `dilations\[2\]`: expected a positive integer, received 0/);
    expect(() => buildWaveNet({ dilations: [1, 2.5] })).toThrow(/invalid `dilations\[1\]`/);
    expect(() => buildWaveNet({ dilations: { layersPerCycle: 0, cycles: 2 } })).toThrow(/invalid `dilations\.layersPerCycle`/);
    expect(() => buildWaveNet({ residualChannel: 8 } as never)).toThrow(/unknown .*`residualChannel`/);
    expect(tf.memory().numTensors).toBe(before);
    const conditioned = buildWaveNet({ ...small, conditioningDim: 2 });
    await expect(generateAudio(conditioned, { length: 5 })).rejects.toThrow(/built with conditioningDim 2; pass `conditioning`/);
    await expect(generateAudio(conditioned, { length: 5, conditioning: [1] })).rejects.toThrow(/invalid `conditioning`: expected a vector of 2 finite numbers/);
    await expect(generateAudio(buildWaveNet(small), { length: 5, conditioning: [1] })).rejects.toThrow(/`conditioning` was given, but the model was built without conditioningDim/);
    await expect(trainWaveNet(conditioned, new Float32Array(500), { steps: 1, windowLength: 32 })).rejects.toThrow(/built with conditioningDim 2; pass `conditioning`/);
    await expect(trainWaveNet(buildWaveNet(small), new Float32Array(10), { steps: 1, windowLength: 32 })).rejects.toThrow(
      /trainWaveNet: invalid `audio`: expected at least 33 samples \(windowLength \+ 1\), received "10 samples"/,
    );
  });

  it('stops generation on abort and reports progress', async () => {
    const net = buildWaveNet(small);
    const controller = new AbortController();
    const progress: number[] = [];
    const r = await generateAudio(net, { length: 5000, seed: 1, signal: controller.signal, onProgress: (done) => void (progress.push(done), controller.abort()) });
    expect(r).toMatchObject({ stopReason: 'aborted' });
    expect(r.classes.length).toBe(1000);
    expect(progress).toEqual([1000]);
    expect(r.samples.length).toBe(1000);
  });
});
