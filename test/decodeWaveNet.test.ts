// The WaveNet decode engine (native/decode, src/_internal/decode): logits
// against the model itself, samples against the tfjs path, batches, streaming,
// yielding, aborts, limits and leaks, on the cpu and wasm backends.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { AUDIO_CHUNK, buildWaveNet, generateAudio, MAX_AUDIO_SAMPLES, ValueError, type WaveNetConfig } from 'tfjs-generative/audio';
import { waveNetArrays, waveNetParts } from '../src/audio/waveNetParts.js';
import { decodeVariant, decodeVariantAvailable, waveNetEngine } from '../src/_internal/decode/waveNetEngine.js';
import { BACKENDS, useBackend } from './backends.js';

// Odd channel counts and class counts exercise the padding of packed tiles; K 3 the taps.
const CONFIGS: [string, WaveNetConfig][] = [
  ['8 / 16, K 2', { residualChannels: 8, skipChannels: 16, dilations: [1, 2, 4], seed: 1 }],
  ['13 / 21, Q 37, K 3', { residualChannels: 13, skipChannels: 21, quantizationLevels: 37, kernelSize: 3, dilations: [1, 2, 4, 8], seed: 2 }],
  ['16 / 32, conditioned', { residualChannels: 16, skipChannels: 32, quantizationLevels: 64, dilations: [1, 2, 4, 1, 2, 4], conditioningDim: 3, seed: 3 }],
];
const VARIANTS = (['relaxed', 'simd'] as const).filter((v) => decodeVariantAvailable(v));
const classesOf = (r: { classes: Int32Array }) => Array.from(r.classes);

describe('the decode engine is available here', () => {
  it('WebAssembly SIMD validates on this Node, so the wasm cases below run', () => {
    expect(decodeVariant()).not.toBeNull();
    expect(VARIANTS).toContain('simd');
  });
});

describe.each(BACKENDS)('WaveNet decode engine on %s', (backend) => {
  useBackend(backend);

  it.each(CONFIGS)('%s: each step\'s logits match the model run over the whole sequence, within 1e-4 (every SIMD build)', async (_, config) => {
    const net = buildWaveNet(config);
    const parts = waveNetParts(net)!;
    const q = parts.quantizationLevels;
    const t = 50; // longer than the receptive field: the rings wrap
    const sequence = Array.from({ length: t }, (_, i) => (i * 7 + 3) % q);
    const conditioning = parts.conditioningDim === null ? null : Float32Array.from([0.5, -1, 2]);
    const reference = tf.tidy(() => {
      const ids = tf.tensor2d(sequence, [1, t], 'int32');
      const inputs = conditioning === null ? ids : [ids, tf.tensor2d(conditioning, [1, 3])];
      return net.predict(inputs) as tf.Tensor; // [1, T, Q]
    });
    const expected = (await reference.data()) as Float32Array;
    reference.dispose();
    const arrays = await waveNetArrays(parts, conditioning);
    for (const variant of VARIANTS) {
      const engine = await waveNetEngine(arrays, 2, variant);
      let worst = 0;
      for (let i = 0; i < t; i++) {
        // Two streams, the second fed the same classes: both must give the reference.
        const out = engine.step(Int32Array.of(sequence[i]!, sequence[i]!), true);
        for (let b = 0; b < 2; b++) {
          for (let o = 0; o < q; o++) worst = Math.max(worst, Math.abs(out[b * engine.qpad + o]! - expected[i * q + o]!));
        }
      }
      expect(worst).toBeLessThan(1e-4);
    }
  });

  it.each(CONFIGS)('%s: the same seed gives the same samples as the tfjs path, greedy and sampled, with a prime', async (_, config) => {
    const net = buildWaveNet(config);
    const conditioning = config.conditioningDim === undefined ? {} : { conditioning: [0.5, -1, 2] };
    for (const temperature of [0, 0.7, 1]) {
      const common = { length: 300, seed: 11, temperature, prime: [3, 1, 4, 1, 5], ...conditioning };
      const tfjs = await generateAudio(net, { ...common, engine: 'tfjs' });
      const wasm = await generateAudio(net, { ...common, engine: 'wasm' });
      const auto = await generateAudio(net, common);
      expect(classesOf(wasm)).toEqual(classesOf(tfjs));
      expect(classesOf(auto)).toEqual(classesOf(tfjs));
      expect(Array.from(wasm.samples)).toEqual(Array.from(tfjs.samples));
      if (temperature > 0) expect(new Set(wasm.classes).size).toBeGreaterThan(3); // really sampled
    }
  });

  it('a batch of seeds: stream i gives the samples of a call with seed i, on both engines', async () => {
    const net = buildWaveNet(CONFIGS[1]![1]);
    const seeds = [5, 6, 7, 8, 9]; // 4 + 1: both of the engine's stream groupings
    for (const engine of ['tfjs', 'wasm'] as const) {
      const batch = await generateAudio(net, { length: 200, seeds, engine });
      expect(batch).toHaveLength(5);
      for (let i = 0; i < seeds.length; i++) {
        const single = await generateAudio(net, { length: 200, seed: seeds[i]!, engine });
        expect(classesOf(batch[i]!)).toEqual(classesOf(single));
        expect(batch[i]!.stopReason).toBe('completed');
      }
      expect(classesOf(batch[0]!)).not.toEqual(classesOf(batch[1]!));
    }
  });

  it('onChunk hands out every stream\'s samples in chunks of AUDIO_CHUNK that add up to the result', async () => {
    const net = buildWaveNet(CONFIGS[0]![1]);
    const length = 2 * AUDIO_CHUNK + 345;
    const chunks: [number, Float32Array][] = [];
    const results = await generateAudio(net, { length, seeds: [1, 2], onChunk: (samples, stream) => void chunks.push([stream, samples.slice()]) });
    expect(chunks.map(([stream, s]) => [stream, s.length])).toEqual([[0, AUDIO_CHUNK], [1, AUDIO_CHUNK], [0, AUDIO_CHUNK], [1, AUDIO_CHUNK], [0, 345], [1, 345]]);
    for (const stream of [0, 1]) {
      const joined = chunks.filter(([s]) => s === stream).flatMap(([, samples]) => Array.from(samples));
      expect(joined).toEqual(Array.from(results[stream]!.samples));
    }
  });

  it('yields to the event loop between chunks: a timer runs, and an outside abort stops it at a chunk', async () => {
    const net = buildWaveNet(CONFIGS[0]![1]);
    const controller = new AbortController();
    let timerRan = false;
    setTimeout(() => {
      timerRan = true;
      controller.abort();
    }, 0);
    const result = await generateAudio(net, { length: 50 * AUDIO_CHUNK, seed: 1, signal: controller.signal });
    expect(timerRan).toBe(true);
    expect(result.stopReason).toBe('aborted');
    expect(result.classes.length % AUDIO_CHUNK).toBe(0);
    expect(result.classes.length).toBeLessThan(50 * AUDIO_CHUNK);
  });

  it('an abort while a long prime is fed stops there, with nothing generated', async () => {
    const net = buildWaveNet(CONFIGS[0]![1]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    const prime = Array.from({ length: 20 * AUDIO_CHUNK }, (_, i) => i % 256);
    const result = await generateAudio(net, { length: 10, seed: 1, prime, signal: controller.signal });
    expect([result.classes.length, result.stopReason]).toEqual([0, 'aborted']);
  });

  it('leaks no tensor, also when the engine meets NaN weights and throws', async () => {
    const net = buildWaveNet(CONFIGS[0]![1]);
    await generateAudio(net, { length: 10, seed: 1, engine: 'wasm' });
    const before = tf.memory().numTensors;
    await generateAudio(net, { length: 10, seeds: [1, 2], engine: 'wasm' });
    expect(tf.memory().numTensors).toBe(before);
    const broken = buildWaveNet(CONFIGS[0]![1]);
    broken.setWeights(broken.getWeights().map((w) => tf.fill(w.shape, NaN)));
    const count = tf.memory().numTensors;
    await expect(generateAudio(broken, { length: 10, seed: 1, engine: 'wasm' })).rejects.toThrow(/logits at sample 0 contain NaN/);
    expect(tf.memory().numTensors).toBe(count);
  });
});

describe('generateAudio options of the engine, batches and lengths', () => {
  const net = buildWaveNet(CONFIGS[0]![1]);

  it.each([2 ** 31, 1e12, MAX_AUDIO_SAMPLES + 1])('rejects length %d before allocating, naming the limit', async (length) => {
    const t0 = performance.now();
    await expect(generateAudio(net, { length })).rejects.toThrow(/generateAudio: invalid `length`: expected a length whose samples are at most MAX_AUDIO_SAMPLES = 268,435,456/);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it.each([1.5, NaN, -1, Infinity, '10'])('rejects length %s as not a non-negative integer', async (length) => {
    await expect(generateAudio(net, { length: length as number })).rejects.toThrow(/generateAudio: invalid `length`: expected a non-negative integer/);
  });

  it('counts every stream against the limit', async () => {
    await expect(generateAudio(net, { length: MAX_AUDIO_SAMPLES / 2 + 1, seeds: [1, 2] })).rejects.toThrow(/\(2 streams × length\) are at most/);
  });

  it('rejects bad seeds, engines and combinations with a ValueError naming them', async () => {
    await expect(generateAudio(net, { length: 5, seed: 1, seeds: [1] })).rejects.toThrow(/pass `seed` \(one stream\) or `seeds`/);
    await expect(generateAudio(net, { length: 5, seeds: [] })).rejects.toThrow(/invalid `seeds`: expected a non-empty array/);
    await expect(generateAudio(net, { length: 5, seeds: [1, 2.5] })).rejects.toThrow(/invalid `seeds\[1\]`: expected a non-negative integer/);
    await expect(generateAudio(net, { length: 5, engine: 'gpu' as 'wasm' })).rejects.toThrow(/invalid `engine`/);
    await expect(generateAudio(net, { length: 5, engine: 'wasm', method: 'naive' })).rejects.toThrow(ValueError);
    await expect(generateAudio(net, { length: 5, onChunk: 3 as never })).rejects.toThrow(/invalid `onChunk`: expected a function/);
    await expect(generateAudio(net, { length: 5, yieldTo: 'later' as never })).rejects.toThrow(/invalid `yieldTo`/);
  });

  it('refuses an engine over the wasm memory limit with engine \'wasm\', naming the size, before allocating it', async () => {
    // Two blocks of dilation 32,768 at R 8: 1 MiB of ring per block and stream, 2 GiB for 1,024 streams.
    const wide = buildWaveNet({ residualChannels: 8, skipChannels: 8, quantizationLevels: 16, dilations: [32768, 32768], seed: 1 });
    const seeds = Array.from({ length: 1024 }, (_, i) => i);
    await expect(generateAudio(wide, { length: 1, seeds, engine: 'wasm' })).rejects.toThrow(/the decode engine would need 2\.\d\d GiB of wasm memory for 1024 stream\(s\)/);
  });

  it('an already-aborted signal makes nothing, one empty result per stream', async () => {
    const signal = AbortSignal.abort();
    const results = await generateAudio(net, { length: 5, seeds: [1, 2], signal });
    expect(results.map((r) => [r.classes.length, r.stopReason])).toEqual([[0, 'aborted'], [0, 'aborted']]);
  });

  it('auto picks the relaxed-SIMD build where it validates, else plain SIMD', () => {
    expect(decodeVariant()).toBe(decodeVariantAvailable('relaxed') ? 'relaxed' : 'simd');
  });
});
