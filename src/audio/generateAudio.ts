// Fast WaveNet generation: Paine et al. 2016, "Fast Wavenet Generation Algorithm",
// https://arxiv.org/abs/1611.09482 — per-layer queues of past activations, so each new sample
// costs O(layers) instead of a pass over the whole receptive field.
//
// Legend: Q classes, R residual channels, S skip channels, K taps, d dilation, G conditioning size.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField, NotImplementedError, ValueError } from '../_internal/errors.js';
import { hintingKernels } from '../_internal/kernelHint.js';
import { seedSource } from '../_internal/random.js';
import { checkNonNegativeInt, checkOneOf, checkOptionalSeed } from '../_internal/validate.js';
import { checkYieldMode, yieldControl, type YieldMode } from '../_internal/yieldControl.js';
import type { WaveNetEngine } from '../_internal/decode/waveNetEngine.js';
import { checkCallbacks } from '../training/checkCallbacks.js';
import type { StopReason } from '../training/types.js';
import { drawFromLogits } from '../_internal/drawFromLogits.js';
import { muLawDecodeValue, muLawEncodeValue } from './waveNetParts.js';
import { waveNetArrays, waveNetParts, type WaveNetArrays, type WaveNetParts } from './waveNetParts.js';

/** The lazily loaded engine module. */
type EngineModule = typeof import('../_internal/decode/waveNetEngine.js');

/**
 * Options of {@link generateAudio}.
 *
 * @category Audio
 */
export interface GenerateAudioOptions {
  /** Number of samples to generate (per stream); at most {@link MAX_AUDIO_SAMPLES} over all streams. */
  length: number;
  /** Seed of the draws: the same seed and model give the same samples, with either method and either engine. Defaults to unseeded. */
  seed?: number;
  /**
   * Seeds of a batch of streams (several voices at once, sharing the model,
   * prime and conditioning): the call then resolves to one result per seed,
   * stream `i` the same samples as a call with `seed: seeds[i]`. Not with `seed`.
   */
  seeds?: readonly number[];
  /** Sampling temperature; `0` takes the most likely class. Defaults to `1`. */
  temperature?: number;
  /** The global conditioning vector `[G]`; required when the model was built with `conditioningDim`. */
  conditioning?: readonly number[] | Float32Array;
  /** Called every {@link AUDIO_CHUNK} samples and at the end with the samples done and the total; may be async. */
  onProgress?: (done: number, total: number) => void | Promise<void>;
  /**
   * Called with each stream's new samples (μ-law decoded, in [-1, 1]) as they
   * are made: every {@link AUDIO_CHUNK} samples and once more with the rest at
   * the end (or at an abort); `stream` is the index into `seeds` (0 without
   * `seeds`). For playing audio while it is generated. May be async.
   */
  onChunk?: (samples: Float32Array, stream: number) => void | Promise<void>;
  /** Stops generation when aborted, at the next chunk (also while a long `prime` is fed in). */
  signal?: AbortSignal;
  /**
   * Where to hand control back between chunks (so timers, UI and an outside
   * abort run): `'task'` (the default), `'frame'`, or `'none'`; see {@link YieldMode}.
   */
  yieldTo?: YieldMode;
  /**
   * `'fast'` (the default) keeps per-layer queues and costs O(layers) per
   * sample; `'naive'` runs the model over the last receptive field for every
   * sample (for comparison: both give the same samples).
   */
  method?: 'fast' | 'naive';
  /**
   * Where the fast method runs: `'wasm'`, the decode engine (one call into
   * the library's own WebAssembly per sample, weights packed once, the queues
   * in its memory; any tfjs backend, it needs WebAssembly SIMD); `'tfjs'`, the
   * reference path in plain typed arrays; `'auto'` (the default), `'wasm'`
   * where WebAssembly SIMD validates, else `'tfjs'`. Both give the same
   * samples for the same seed (logits agree within 1e-4).
   */
  engine?: 'auto' | 'tfjs' | 'wasm';
  /**
   * Classes fed in before the first generated sample (a priming clip, e.g.
   * `muLawEncode` of real audio); the result does not include them. Defaults
   * to one sample of silence (class 128 of 256).
   */
  prime?: readonly number[] | Int32Array;
}

/**
 * What {@link generateAudio} resolves to (one per stream with `seeds`).
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

/**
 * Samples per chunk of {@link generateAudio}: `onChunk` and `onProgress` are
 * called, the event loop gets a turn and the signal is checked every this many
 * samples (1/16 s of audio at 16 kHz).
 *
 * @example
 * ```ts
 * import { AUDIO_CHUNK } from 'tfjs-generative/audio';
 * console.log(AUDIO_CHUNK); // 1000
 * ```
 *
 * @category Audio
 */
export const AUDIO_CHUNK = 1000;

/**
 * The most samples one {@link generateAudio} call makes, over all its streams
 * (2²⁸: 4.6 hours at 16 kHz, 2 GiB of classes and samples); longer audio is
 * made in several calls, each primed with the end of the last.
 *
 * @example
 * ```ts
 * import { MAX_AUDIO_SAMPLES } from 'tfjs-generative/audio';
 * console.log(MAX_AUDIO_SAMPLES); // 268435456
 * ```
 *
 * @category Audio
 */
export const MAX_AUDIO_SAMPLES = 2 ** 28;

const FN = 'generateAudio';
const KEYS = ['length', 'seed', 'seeds', 'temperature', 'conditioning', 'onProgress', 'onChunk', 'signal', 'yieldTo', 'method', 'engine', 'prime'] as const;
const MAX_STREAMS = 1024;

/**
 * Generates audio from a WaveNet built by `buildWaveNet`, one sample at a time.
 *
 * Each sample is drawn from `softmax(logits / temperature)` of the model's
 * prediction given all earlier samples, then fed back in. The fast method
 * (Paine et al. 2016) keeps, for each block, a queue of its last
 * `(K-1)·d + 1` inputs and computes only the new time step: by default in the
 * library's WebAssembly decode engine (weights packed once, one call per
 * sample for all streams), else in plain typed arrays (`engine: 'tfjs'`);
 * the naive method re-runs the model over the last receptive field. With the
 * same seed all of them produce the same samples. With `seeds`, several
 * streams are generated at once and the call resolves to one result per seed.
 *
 * @param model - A model from `buildWaveNet` (or loaded from one).
 * @param options - Length, seed (or seeds), temperature, conditioning, streaming; see {@link GenerateAudioOptions}.
 * @returns The classes, the μ-law-decoded waveform, and why generation stopped (`'completed'` or `'aborted'`); with `seeds`, one such result per seed.
 * @throws {@link ValueError} when the model was not built by `buildWaveNet`, the
 *   conditioning is missing, has the wrong size, or was not expected, or an
 *   option is invalid (`length` must be an integer in [0, {@link MAX_AUDIO_SAMPLES}]
 *   over all streams, callbacks must be functions, `seed` and `seeds` exclude each
 *   other, `engine: 'wasm'` needs `method: 'fast'`), all before anything is
 *   allocated. {@link NotImplementedError} for `engine: 'wasm'` where WebAssembly
 *   SIMD is not available. No tensors are leaked, also when the call throws. On
 *   the stock wasm backend, a missing-kernel error says to call `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * import { buildWaveNet, generateAudio } from 'tfjs-generative/audio';
 * const net = buildWaveNet({ residualChannels: 8, skipChannels: 16, dilations: [1, 2, 4], seed: 1 });
 * const { samples } = await generateAudio(net, { length: 100, seed: 1 });
 * console.log(samples.length); // 100
 * const voices = await generateAudio(net, { length: 100, seeds: [1, 2, 3] });
 * console.log(voices.length, voices[0]!.samples.length); // 3 100
 * ```
 *
 * @category Audio
 */
export async function generateAudio(model: tfl.LayersModel, options: GenerateAudioOptions & { seeds: readonly number[] }): Promise<GenerateAudioResult[]>;
export async function generateAudio(model: tfl.LayersModel, options: GenerateAudioOptions & { seeds?: undefined }): Promise<GenerateAudioResult>;
export async function generateAudio(model: tfl.LayersModel, options: GenerateAudioOptions): Promise<GenerateAudioResult | GenerateAudioResult[]>;
export async function generateAudio(model: tfl.LayersModel, options: GenerateAudioOptions): Promise<GenerateAudioResult | GenerateAudioResult[]> {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, KEYS, 'options');
  const parts = waveNetParts(model);
  if (parts === null) throw invalidField(FN, 'model', 'a model built by buildWaveNet (or loaded from one)', model);
  const seeds = checkSeeds(options);
  const streams = seeds.length;
  const length = checkNonNegativeInt(FN, 'length', options.length);
  if (length * streams > MAX_AUDIO_SAMPLES) {
    const what = streams === 1 ? '' : ` (${streams} streams × length)`;
    throw invalidField(FN, 'length', `a length whose samples${what} are at most MAX_AUDIO_SAMPLES = ${MAX_AUDIO_SAMPLES.toLocaleString('en')} (make longer audio in several calls, priming each with the end of the last)`, options.length);
  }
  const temperature = options.temperature ?? 1;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) {
    throw invalidField(FN, 'temperature', 'a finite number >= 0', temperature);
  }
  const method = checkOneOf(FN, 'method', options.method ?? 'fast', ['fast', 'naive'] as const);
  const engine = checkOneOf(FN, 'engine', options.engine ?? 'auto', ['auto', 'tfjs', 'wasm'] as const);
  if (engine === 'wasm' && method === 'naive') throw new ValueError(`${FN}: \`engine: 'wasm'\` runs the fast method only; it cannot be combined with \`method: 'naive'\`.`);
  const q = parts.quantizationLevels;
  const prime = Array.from((options.prime ?? [muLawEncodeValue(0, q - 1)]) as ArrayLike<number>);
  if (!(Array.isArray(options.prime) || options.prime instanceof Int32Array || options.prime === undefined) || prime.length === 0) {
    throw invalidField(FN, 'prime', 'a non-empty array of classes', options.prime);
  }
  const badPrime = prime.findIndex((c) => !Number.isInteger(c) || c < 0 || c >= q);
  if (badPrime >= 0) throw invalidField(FN, 'prime', `classes that are integers in [0, ${q})`, `${prime[badPrime]} at index ${badPrime}`);
  const conditioning = checkConditioning(parts, options.conditioning);
  checkCallbacks(FN, options, ['onProgress', 'onChunk']);
  const yieldTo = checkYieldMode(FN, 'yieldTo', options.yieldTo);
  const { onProgress, onChunk, signal } = options;
  const rngs = seeds.map((seed) => seedSource(seed));
  const single = options.seeds === undefined;
  const finish = (results: GenerateAudioResult[]) => (single ? results[0]! : results);
  const nothing = () => finish(seeds.map(() => ({ classes: new Int32Array(0), samples: new Float32Array(0), stopReason: 'aborted' as const })));
  // A signal aborted before the call generates nothing.
  if (signal?.aborted === true) return nothing();
  // Loaded only when needed: the engine embeds its WebAssembly.
  const wasm = method === 'fast' && engine !== 'tfjs' ? await import('../_internal/decode/waveNetEngine.js') : null;
  if (engine === 'wasm' && wasm!.decodeVariant() === null) {
    throw new NotImplementedError(`${FN}: \`engine: 'wasm'\` needs WebAssembly SIMD, which this JavaScript engine does not validate; use \`engine: 'tfjs'\` or 'auto'.`);
  }
  return hintingKernels(async () => {
    let stepper: Stepper;
    if (method === 'naive') stepper = perStream(seeds.map(() => naiveStepper(model, parts, conditioning)));
    else {
      const arrays = await waveNetArrays(parts, conditioning);
      stepper = (await wasmStepper(wasm, engine, arrays, streams, q)) ?? perStream(seeds.map(() => fastStepper(arrays)));
    }
    const column = new Int32Array(streams);
    for (let i = 0; i < prime.length - 1; i++) {
      column.fill(prime[i]!);
      await stepper.step(column, false); // advances the queues; the naive path needs only the history
      if ((i + 1) % AUDIO_CHUNK === 0) {
        await yieldControl(yieldTo);
        if (signal?.aborted === true) return nothing(); // aborted while priming
      }
    }
    column.fill(prime[prime.length - 1]!);
    const classes = seeds.map(() => new Int32Array(length));
    let done = 0;
    let chunkStart = 0;
    let stopReason: GenerateAudioResult['stopReason'] = 'completed';
    for (; done < length; done++) {
      const logits = await stepper.step(column, true);
      for (let b = 0; b < streams; b++) {
        const drawn = drawFromLogits(logits[b]!, temperature, rngs[b]!);
        if (drawn < 0) {
          const which = streams === 1 ? '' : ` of stream ${b}`;
          throw new ValueError(`${FN}: the model's logits at sample ${done}${which} ${drawn === -2 ? 'contain NaN' : 'are all -Infinity'}, so no sample can be drawn (a model whose weights became NaN or infinite?).`);
        }
        classes[b]![done] = drawn;
        column[b] = drawn;
      }
      if ((done + 1) % AUDIO_CHUNK === 0 || done + 1 === length) {
        if (onChunk !== undefined) {
          for (let b = 0; b < streams; b++) await onChunk(decode(classes[b]!.subarray(chunkStart, done + 1), q), b);
        }
        chunkStart = done + 1;
        if (onProgress !== undefined) await onProgress(done + 1, length);
        if (done + 1 < length) await yieldControl(yieldTo);
        if (signal?.aborted === true && done + 1 < length) {
          stopReason = 'aborted';
          done++;
          break;
        }
      }
    }
    return finish(classes.map((all) => {
      const kept = all.slice(0, done);
      return { classes: kept, samples: decode(kept, q), stopReason };
    }));
  });
}

/** μ-law decoding of classes (μ = Q - 1). */
function decode(classes: Int32Array, q: number): Float32Array<ArrayBuffer> {
  return Float32Array.from(classes, (c) => muLawDecodeValue(c, q - 1));
}

/** The streams' seeds: `seeds`, or the one `seed` (possibly unseeded). */
function checkSeeds(options: GenerateAudioOptions): (number | undefined)[] {
  if (options.seeds === undefined) return [checkOptionalSeed(FN, 'seed', options.seed)];
  if (options.seed !== undefined) throw new ValueError(`${FN}: pass \`seed\` (one stream) or \`seeds\` (one per stream), not both.`);
  const seeds: unknown = options.seeds;
  if (!Array.isArray(seeds) || seeds.length === 0 || seeds.length > MAX_STREAMS) {
    throw invalidField(FN, 'seeds', `a non-empty array of at most ${MAX_STREAMS} seeds`, seeds);
  }
  return seeds.map((seed, i) => checkNonNegativeInt(FN, `seeds[${i}]`, seed));
}

/** Generation one step at a time for B streams in lockstep. */
interface Stepper {
  /**
   * Feeds `classes[b]` to stream b; with `want`, returns each stream's logits
   * `[Q]` for its next sample (else only the state advances).
   */
  step(classes: Int32Array, want: boolean): Promise<ArrayLike<number>[]> | ArrayLike<number>[];
}

/** One stream's stepper. */
interface StreamStepper {
  step(cls: number, want: boolean): Promise<ArrayLike<number>> | ArrayLike<number>;
}

/** B independent single-stream steppers as one. */
function perStream(steppers: StreamStepper[]): Stepper {
  return {
    async step(classes, want) {
      const out: ArrayLike<number>[] = [];
      for (let b = 0; b < steppers.length; b++) out.push(await steppers[b]!.step(classes[b]!, want));
      return out;
    },
  };
}

/**
 * The decode engine's one call per step, its logits as views of its memory;
 * null where `'auto'` falls back to the tfjs path (no module, no SIMD, or
 * wasm memory that cannot hold the engine).
 */
async function wasmStepper(wasm: EngineModule | null, choice: 'auto' | 'tfjs' | 'wasm', arrays: WaveNetArrays, streams: number, q: number): Promise<Stepper | null> {
  if (wasm === null || wasm.decodeVariant() === null) return null;
  const bytes = wasm.waveNetEngineBytes(arrays, streams);
  if (bytes > wasm.MAX_ENGINE_BYTES) {
    if (choice === 'auto') return null;
    throw new ValueError(`${FN}: the decode engine would need ${(bytes / 2 ** 30).toFixed(2)} GiB of wasm memory for ${streams} stream(s) of this model (at most ${(wasm.MAX_ENGINE_BYTES / 2 ** 30).toFixed(2)} GiB); use fewer streams or \`engine: 'tfjs'\`.`);
  }
  let engine: WaveNetEngine;
  try {
    engine = await wasm.waveNetEngine(arrays, streams);
  } catch (error) {
    // memory.grow refused (a browser tab's memory limit): the tfjs path needs less.
    if (choice === 'auto' && error instanceof RangeError) return null;
    throw error;
  }
  // The engine's memory never grows after it is built: the views stay valid.
  let views: Float32Array[] = [];
  return {
    step(classes, want) {
      const out = engine.step(classes, want);
      if (views.length === 0) views = Array.from({ length: streams }, (_, b) => out.subarray(b * engine.qpad, b * engine.qpad + q));
      return views;
    },
  };
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
function fastStepper(w: WaveNetArrays): StreamStepper {
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
    step(current, want) {
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
      if (!want) return logits;
      for (let o = 0; o < s; o++) skip[o] = Math.max(0, skip[o]!);
      hidden.set(w.head1Bias);
      gemv(skip, 0, s, w.head1Kernel, 0, s, hidden);
      for (let o = 0; o < s; o++) hidden[o] = Math.max(0, hidden[o]!);
      logits.set(w.head2Bias);
      gemv(hidden, 0, s, w.head2Kernel, 0, q, logits);
      return logits;
    },
  };
}

/** The whole model over the last receptive field, for every sample. */
function naiveStepper(model: tfl.LayersModel, parts: WaveNetParts, conditioning: Float32Array | null): StreamStepper {
  const history: number[] = [];
  const q = parts.quantizationLevels;
  return {
    async step(cls, want) {
      history.push(cls);
      if (!want) return [];
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
  };
}
