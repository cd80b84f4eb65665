// Fast WaveNet generation: Paine et al. 2016, "Fast Wavenet Generation Algorithm",
// https://arxiv.org/abs/1611.09482 — per-layer queues of past activations, so each new sample
// costs O(layers) instead of a pass over the whole receptive field.
//
// Legend: Q classes, R residual channels, S skip channels, K taps, d dilation, G conditioning size.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField, ValueError } from '../_internal/errors.js';
import { hintingKernels } from '../_internal/kernelHint.js';
import { seedSource } from '../_internal/random.js';
import { checkNonNegativeInt, checkOneOf, checkOptionalSeed } from '../_internal/validate.js';
import { checkCallbacks } from '../training/checkCallbacks.js';
import type { StopReason } from '../training/types.js';
import { drawFromLogits } from '../_internal/drawFromLogits.js';
import { muLawDecodeValue, muLawEncodeValue } from './waveNetParts.js';
import { waveNetArrays, waveNetParts, type WaveNetArrays, type WaveNetParts } from './waveNetParts.js';

/**
 * Options of {@link generateAudio}.
 *
 * @category Audio
 */
export interface GenerateAudioOptions {
  /** Number of samples to generate. */
  length: number;
  /** Seed of the draws: the same seed and model give the same samples, with either method. Defaults to unseeded. */
  seed?: number;
  /** Sampling temperature; `0` takes the most likely class. Defaults to `1`. */
  temperature?: number;
  /** The global conditioning vector `[G]`; required when the model was built with `conditioningDim`. */
  conditioning?: readonly number[] | Float32Array;
  /** Called every 1,000 samples and at the end with the samples done and the total; may be async. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  /** Stops generation (at the next progress point) when aborted. */
  signal?: AbortSignal;
  /**
   * `'fast'` (the default) keeps per-layer queues and costs O(layers) per
   * sample; `'naive'` runs the model over the last receptive field for every
   * sample (for comparison: both give the same samples).
   */
  method?: 'fast' | 'naive';
  /**
   * Classes fed in before the first generated sample (a priming clip, e.g.
   * `muLawEncode` of real audio); the result does not include them. Defaults
   * to one sample of silence (class 128 of 256).
   */
  prime?: readonly number[] | Int32Array;
}

/**
 * What {@link generateAudio} resolves to.
 *
 * @category Audio
 */
export interface GenerateAudioResult {
  /** The generated classes `0 … Q-1`. */
  classes: Int32Array;
  /** The same decoded with μ-law (μ = Q - 1) to a waveform in [-1, 1]. */
  samples: Float32Array<ArrayBuffer>;
  /** Why generation stopped: `'completed'`, or `'aborted'` when the signal stopped it early. */
  stopReason: Extract<StopReason, 'completed' | 'aborted'>;
}

const FN = 'generateAudio';
const KEYS = ['length', 'seed', 'temperature', 'conditioning', 'onProgress', 'signal', 'method', 'prime'] as const;
const PROGRESS_EVERY = 1000;

/**
 * Generates audio from a WaveNet built by `buildWaveNet`, one sample at a time.
 *
 * Each sample is drawn from `softmax(logits / temperature)` of the model's
 * prediction given all earlier samples, then fed back in. The fast method
 * (Paine et al. 2016) keeps, for each block, a queue of its last
 * `(K-1)·d + 1` inputs and computes only the new time step, in plain typed
 * arrays (at batch 1, per-op overhead would dominate tensor ops); the naive
 * method re-runs the model over the last receptive field. With the same seed
 * both produce the same samples.
 *
 * @param model - A model from `buildWaveNet` (or loaded from one).
 * @param options - Length, seed, temperature, conditioning; see {@link GenerateAudioOptions}.
 * @returns The classes, the μ-law-decoded waveform, and why generation stopped (`'completed'` or `'aborted'`).
 * @throws {@link ValueError} when the model was not built by `buildWaveNet`, the
 *   conditioning is missing, has the wrong size, or was not expected, or an
 *   option is invalid (`onProgress` must be a function). No tensors are
 *   leaked, also when the call throws. On the stock wasm backend, a
 *   missing-kernel error says to call `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * import { buildWaveNet, generateAudio } from 'tfjs-generative/audio';
 * const net = buildWaveNet({ residualChannels: 8, skipChannels: 16, dilations: [1, 2, 4], seed: 1 });
 * const { samples } = await generateAudio(net, { length: 100, seed: 1 });
 * console.log(samples.length); // 100
 * ```
 *
 * @category Audio
 */
export async function generateAudio(model: tfl.LayersModel, options: GenerateAudioOptions): Promise<GenerateAudioResult> {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, KEYS, 'options');
  const parts = waveNetParts(model);
  if (parts === null) throw invalidField(FN, 'model', 'a model built by buildWaveNet (or loaded from one)', model);
  const length = checkNonNegativeInt(FN, 'length', options.length);
  const temperature = options.temperature ?? 1;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) {
    throw invalidField(FN, 'temperature', 'a finite number >= 0', temperature);
  }
  const method = checkOneOf(FN, 'method', options.method ?? 'fast', ['fast', 'naive'] as const);
  const q = parts.quantizationLevels;
  const prime = Array.from((options.prime ?? [muLawEncodeValue(0, q - 1)]) as ArrayLike<number>);
  if (!(Array.isArray(options.prime) || options.prime instanceof Int32Array || options.prime === undefined) || prime.length === 0) {
    throw invalidField(FN, 'prime', 'a non-empty array of classes', options.prime);
  }
  const badPrime = prime.findIndex((c) => !Number.isInteger(c) || c < 0 || c >= q);
  if (badPrime >= 0) throw invalidField(FN, 'prime', `classes that are integers in [0, ${q})`, `${prime[badPrime]} at index ${badPrime}`);
  const conditioning = checkConditioning(parts, options.conditioning);
  checkCallbacks(FN, options, ['onProgress']);
  const { onProgress, signal } = options;
  const rng = seedSource(checkOptionalSeed(FN, 'seed', options.seed));
  // A signal aborted before the call generates nothing.
  if (signal?.aborted === true) return { classes: new Int32Array(0), samples: new Float32Array(0), stopReason: 'aborted' };
  return hintingKernels(async () => {
    const next = method === 'fast' ? fastStepper(await waveNetArrays(parts, conditioning), prime[0]!) : naiveStepper(model, parts, conditioning, prime[0]!);
    for (const cls of prime.slice(1)) {
      if (method === 'fast') next.logits(); // advances the queues; the naive path needs only the history
      next.push(cls);
    }
    const classes = new Int32Array(length);
    let done = 0;
    let stopReason: GenerateAudioResult['stopReason'] = 'completed';
    for (; done < length; done++) {
      const drawn = drawFromLogits(await next.logits(), temperature, rng);
      if (drawn < 0) {
        throw new ValueError(`${FN}: the model's logits at sample ${done} ${drawn === -2 ? 'contain NaN' : 'are all -Infinity'}, so no sample can be drawn (a model whose weights became NaN or infinite?).`);
      }
      classes[done] = drawn;
      next.push(classes[done]!);
      if ((done + 1) % PROGRESS_EVERY === 0 || done + 1 === length) {
        if (onProgress !== undefined) await onProgress(done + 1, length);
        if (signal?.aborted === true && done + 1 < length) {
          stopReason = 'aborted';
          done++;
          break;
        }
      }
    }
    const kept = classes.slice(0, done);
    return { classes: kept, samples: Float32Array.from(kept, (c) => muLawDecodeValue(c, q - 1)), stopReason };
  });
}

interface Stepper {
  /** Logits `[Q]` for the next sample. */
  logits(): Promise<ArrayLike<number>> | ArrayLike<number>;
  /** Feeds the drawn class back in. */
  push(cls: number): void;
}

function checkConditioning(parts: WaveNetParts, value: unknown): Float32Array | null {
  if (parts.conditioningDim === null) {
    if (value !== undefined) throw new ValueError(`${FN}: \`conditioning\` was given, but the model was built without conditioningDim.`);
    return null;
  }
  if (value === undefined) {
    throw new ValueError(`${FN}: the model was built with conditioningDim ${parts.conditioningDim}; pass \`conditioning\`, a vector of ${parts.conditioningDim} numbers.`);
  }
  if (!(Array.isArray(value) || value instanceof Float32Array) || value.length !== parts.conditioningDim || !Array.from(value as ArrayLike<number>).every(Number.isFinite)) {
    throw invalidField(FN, 'conditioning', `a vector of ${parts.conditioningDim} finite numbers`, value);
  }
  return Float32Array.from(value as ArrayLike<number>);
}

/** Paine et al.'s queues, in typed arrays: one ring of past inputs per block. */
function fastStepper(w: WaveNetArrays, initialClass: number): Stepper {
  const { r, s, q } = w;
  const r2 = 2 * r;
  const rings = w.blocks.map((b) => {
    const size = (b.kernelSize - 1) * b.dilation + 1;
    return { size, data: new Float32Array(size * r), head: 0 };
  });
  const x = new Float32Array(r);
  const h = new Float32Array(r2);
  const z = new Float32Array(r);
  const skip = new Float32Array(s);
  const hidden = new Float32Array(s);
  const logits = new Float32Array(q);
  let current = initialClass;
  // y[o] += Σ_c v[c] · W[c·n + o] over the rows of W that v selects (v [m], W [m, n] at offset `at`).
  const gemv = (v: Float32Array, vAt: number, m: number, kernel: Float32Array, at: number, n: number, y: Float32Array) => {
    for (let c = 0; c < m; c++) {
      const vc = v[vAt + c]!;
      if (vc === 0) continue;
      const row = at + c * n;
      for (let o = 0; o < n; o++) y[o] = y[o]! + vc * kernel[row + o]!;
    }
  };
  return {
    logits() {
      x.set(w.embedding.subarray(current * r, current * r + r));
      skip.fill(0);
      for (let i = 0; i < w.blocks.length; i++) {
        const b = w.blocks[i]!;
        const ring = rings[i]!;
        const ringData = ring.data;
        ringData.set(x, ring.head * r); // the newest input
        h.set(b.dilatedBias);
        for (let j = 0; j < b.kernelSize; j++) {
          // Tap j sees the input (K-1-j)·d steps back.
          const slot = (ring.head - (b.kernelSize - 1 - j) * b.dilation + ring.size) % ring.size;
          gemv(ringData, slot * r, r, b.dilatedKernel, j * r * r2, r2, h);
        }
        ring.head = (ring.head + 1) % ring.size;
        for (let c = 0; c < r; c++) z[c] = Math.tanh(h[c]!) / (1 + Math.exp(-h[r + c]!));
        // residual x + z·W_r + b_r; skip += z·W_s + b_s
        const rb = b.residualBias;
        for (let o = 0; o < r; o++) x[o] = x[o]! + rb[o]!;
        gemv(z, 0, r, b.residualKernel, 0, r, x);
        const sb = b.skipBias;
        for (let o = 0; o < s; o++) skip[o] = skip[o]! + sb[o]!;
        gemv(z, 0, r, b.skipKernel, 0, s, skip);
      }
      for (let o = 0; o < s; o++) skip[o] = Math.max(0, skip[o]!);
      hidden.set(w.head1Bias);
      gemv(skip, 0, s, w.head1Kernel, 0, s, hidden);
      for (let o = 0; o < s; o++) hidden[o] = Math.max(0, hidden[o]!);
      logits.set(w.head2Bias);
      gemv(hidden, 0, s, w.head2Kernel, 0, q, logits);
      return logits;
    },
    push(cls) {
      current = cls;
    },
  };
}

/** The whole model over the last receptive field, for every sample. */
function naiveStepper(model: tfl.LayersModel, parts: WaveNetParts, conditioning: Float32Array | null, initialClass: number): Stepper {
  const history = [initialClass];
  const q = parts.quantizationLevels;
  return {
    async logits() {
      const window = history.slice(-parts.receptiveField);
      const last = tf.tidy(() => {
        const ids = tf.tensor2d(window, [1, window.length], 'int32');
        const inputs = conditioning === null ? ids : [ids, tf.tensor2d(conditioning, [1, conditioning.length])];
        const logits = model.predict(inputs) as tf.Tensor; // [1, T, Q]
        return tf.reshape(tf.slice(logits, [0, window.length - 1, 0], [1, 1, q]), [q]);
      });
      try {
        return (await last.data()) as Float32Array;
      } finally {
        last.dispose();
      }
    },
    push(cls) {
      history.push(cls);
    },
  };
}
