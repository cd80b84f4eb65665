// The PyTorch twin of buildWaveNet in and out: scripts/gen_wavenet_interop_fixtures.py
// writes the twin's state dicts (python/tfjs_generative/wavenet.py, random weights),
// its logits for fixed classes and 50 greedy samples from a fixed prime.
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { buildWaveNet, type WaveNetConfig } from '../audio/buildWaveNet.js';
import { generateAudio } from '../audio/generateAudio.js';
import { buildDCGAN } from '../gan/buildDCGAN.js';
import { exportWeights } from './exportWeights.js';
import { importWeights } from './importWeights.js';
import { readSafetensors } from './readSafetensors.js';

const DIR = new URL('../../test/fixtures/wavenet-interop/', import.meta.url);
const read = (name: string) => readSafetensors(readFileSync(new URL(name, DIR))).tensors;
const expected = JSON.parse(readFileSync(new URL('expected.json', DIR), 'utf8')) as Record<
  'plain' | 'conditioned',
  { config: WaveNetConfig; keys: string[]; prime: number[]; greedy: number[] }
>;
const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

describe('importWeights / exportWeights with the PyTorch WaveNet twin', () => {
  for (const name of ['plain', 'conditioned'] as const) {
    it(`${name}: logits within 1e-4 of PyTorch's, greedy samples identical (fast and naive), export bit for bit`, async () => {
      const { config, keys, prime, greedy } = expected[name];
      const state = read(`${name}.safetensors`);
      const io = read(`${name}-io.safetensors`);
      const net = buildWaveNet({ ...config, seed: 3 });
      const before = tf.memory().numTensors;
      importWeights(net, state, { from: 'wavenet' });
      expect(tf.memory().numTensors).toBe(before);
      const conditioning = io['conditioning'];
      const logits = net.predict(conditioning === undefined ? io['classes']! : [io['classes']!, conditioning]) as tf.Tensor;
      expect(logits.shape).toEqual(io['logits']!.shape);
      expect(maxDiff(logits, io['logits']!)).toBeLessThan(1e-4);
      const first = conditioning === undefined ? {} : { conditioning: tf.slice(conditioning, [0, 0], [1, -1]).dataSync() as Float32Array };
      for (const method of ['fast', 'naive'] as const) {
        const out = await generateAudio(net, { length: greedy.length, temperature: 0, prime, method, ...first });
        expect(Array.from(out.classes), method).toEqual(greedy);
      }
      const exported = exportWeights(net, { to: 'wavenet' });
      expect(Object.keys(exported).sort()).toEqual(keys);
      for (const key of keys) {
        expect(exported[key]!.shape, key).toEqual(state[key]!.shape);
        expect(Array.from(exported[key]!.dataSync()), key).toEqual(Array.from(state[key]!.dataSync()));
      }
      tf.dispose([logits, ...Object.values(exported), ...Object.values(state), ...Object.values(io)]);
      net.dispose();
    });
  }

  it('refuses another model, missing, unknown and mis-shaped tensors by name, before writing anything, and leaks nothing', () => {
    const state = read('plain.safetensors');
    const { config } = expected.plain;
    const net = buildWaveNet({ ...config, seed: 1 });
    const deeper = buildWaveNet({ ...config, dilations: [1, 2, 4, 8, 16], seed: 1 });
    const conditioned = buildWaveNet({ ...config, conditioningDim: 2, seed: 1 });
    const tiny = buildWaveNet({ residualChannels: 2, skipChannels: 2, dilations: [1], quantizationLevels: 4 });
    const dcgan = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 2, generatorFilters: 2, discriminatorFilters: 2 });
    const generator = dcgan.generator;
    const extra = tf.zeros([1]);
    const flat = tf.zeros([8, 8]);
    const taps = tf.zeros([16, 8, 2]);
    const snapshot = net.getWeights().map((w) => Array.from(w.dataSync()));
    const before = tf.memory().numTensors;
    expect(() => importWeights(deeper, state, { from: 'wavenet' })).toThrow(/importWeights: the weights have no `blocks\.4\.dilated\.weight`/);
    expect(() => importWeights(conditioned, state, { from: 'wavenet' })).toThrow(/importWeights: the weights have no `blocks\.0\.conditioning\.weight`/);
    const { ['output.1.bias']: _dropped, ...missing } = state;
    expect(() => importWeights(net, missing, { from: 'wavenet' })).toThrow(/the weights have no `output\.1\.bias`/);
    expect(() => importWeights(net, { ...state, 'blocks.9.skip.bias': extra }, { from: 'wavenet' })).toThrow(/unexpected tensor `blocks\.9\.skip\.bias` for this model in the 'wavenet' layout/);
    // A dense-style [in, out] kernel where the twin has Conv1d's [out, in, 1]: refused by name, even when square.
    expect(() => importWeights(net, { ...state, 'blocks.0.residual.weight': flat }, { from: 'wavenet' })).toThrow(
      /importWeights: `blocks\.0\.residual\.weight` has shape \[8, 8\], expected a Conv1d 1×1 kernel \[out, in, 1\]/,
    );
    expect(() => importWeights(net, { ...state, 'blocks.1.dilated.weight': taps }, { from: 'wavenet' })).toThrow(/`blocks\.1\.dilated\.weight` gives \[2, 8, 16\] but the model's .* is \[3, 8, 16\]/);
    expect(() => exportWeights(tiny, { to: 'dcgan' })).toThrow(/exportWeights: invalid `model`: expected a generator or discriminator built by buildDCGAN/);
    expect(() => exportWeights(generator, { to: 'wavenet' })).toThrow(/exportWeights: invalid `model`: expected a model built by buildWaveNet/);
    expect(() => importWeights(generator, state, { from: 'wavenet' })).toThrow(/importWeights: invalid `model`: expected a model built by buildWaveNet/);
    expect(tf.memory().numTensors).toBe(before);
    net.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(snapshot[i]));
    tf.dispose([extra, flat, taps, ...Object.values(state)]);
    for (const m of [net, deeper, conditioned, tiny]) m.dispose();
    dcgan.dispose();
  });
});
