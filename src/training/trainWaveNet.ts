// WaveNet training (van den Oord et al. 2016, https://arxiv.org/abs/1609.03499, §2.2): a
// categorical distribution over μ-law classes of the next sample, trained by cross-entropy on
// random windows of the audio.
//
// Legend: B batch, T window length, Q classes, G conditioning size.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkConfigObject, checkKnownKeys, optional } from '../_internal/config.js';
import { invalidField, ValueError } from '../_internal/errors.js';
import { hintingKernels } from '../_internal/kernelHint.js';
import { checkOptionalSeed, checkPositiveInt } from '../_internal/validate.js';
import { muLawEncodeValue, waveNetParts } from '../audio/waveNetParts.js';
import { checkCheckpointOption } from './_checkpoint.js';
import { checkCallbacks, checkOptimizer } from './_loop.js';
import { trainNextToken } from './_nextToken.js';
import type { CheckpointOptions } from './checkpoint.js';
import { checkYieldMode, type YieldMode } from '../_internal/yieldControl.js';
import type { StopReason } from './types.js';

/**
 * What {@link trainWaveNet} reports after each step.
 *
 * @category Training
 */
export interface WaveNetStepInfo {
  /** Zero-based index of the step just completed. */
  step: number;
  /** Mean cross-entropy of the next sample's class, in nats (before the update). */
  loss: number;
}

/**
 * Options of {@link trainWaveNet}.
 *
 * @category Training
 */
export interface TrainWaveNetOptions {
  /** Number of optimizer steps. */
  steps: number;
  /** Windows per batch. Defaults to `8`. */
  batchSize?: number;
  /** Samples per window `T` (the model predicts each window's next `T` samples). Defaults to `2 ×` the receptive field, at least 256. */
  contextLength?: number;
  /**
   * The former name of `contextLength`; giving both with different values is an error.
   * @deprecated Use `contextLength`; `windowLength` is removed in 0.4.0.
   */
  windowLength?: number;
  /** The optimizer; keeps its state across calls. Defaults to `tf.train.adam(1e-3)`. */
  optimizer?: tf.Optimizer;
  /** The global conditioning vector `[G]` of this audio; required when the model has conditioning. */
  conditioning?: readonly number[] | Float32Array;
  /** Seed of the window positions. Defaults to unseeded. */
  seed?: number;
  /** Called after every step; may be async. */
  onStep?: (info: WaveNetStepInfo) => void | Promise<void>;
  /** Stops training after the current step when aborted. */
  signal?: AbortSignal;
  /** Saves checkpoints (model, optimizer state, step, seed) and resumes from the newest; see {@link CheckpointOptions} and `docs/checkpoints.md`. Defaults to none. */
  checkpoint?: CheckpointOptions;
  /**
   * Where training yields between steps, so that timers, UI, I/O and an outside
   * `signal.abort()` run: `'task'` (the event loop), `'frame'` (the next animation
   * frame in a browser), `'none'` (never: nothing else runs until training ends).
   * Defaults to `'task'`.
   */
  yieldTo?: YieldMode;
}

/**
 * What {@link trainWaveNet} resolves to.
 *
 * @category Training
 */
export interface TrainWaveNetResult {
  /** Steps completed. */
  steps: number;
  /** Why training stopped: `'completed'` or `'aborted'`. */
  stopReason: Extract<StopReason, 'completed' | 'aborted'>;
  /** Per-step losses, in nats. */
  history: WaveNetHistory;
}

/**
 * The losses of a {@link trainWaveNet} run.
 *
 * @category Training
 */
export interface WaveNetHistory {
  /** Loss of every step: the next sample's class cross-entropy, in nats. */
  loss: number[];
}

const FN = 'trainWaveNet';
const KEYS = ['steps', 'batchSize', 'contextLength', 'windowLength', 'optimizer', 'conditioning', 'seed', 'onStep', 'signal', 'checkpoint', 'yieldTo'] as const;

/**
 * Trains a WaveNet built by `buildWaveNet` to predict each next sample.
 *
 * `audio` is a waveform in [-1, 1] (a `Float32Array`, an array or a 1-D
 * tensor), μ-law encoded to the model's `Q` classes (μ = Q - 1); an
 * `Int32Array` is taken as classes already. Each step draws `batchSize`
 * windows of `T + 1` samples at random (seeded) and minimises the
 * cross-entropy of samples `1 … T` given samples `0 … T-1`. A NaN or infinite
 * loss or gradient stops training before the update with a
 * `NonFiniteLossError`, so the model and the optimizer keep the state of the
 * last finite step. No tensors are leaked, also when
 * the call throws (an optimizer made here is disposed either way).
 *
 * @param model - A WaveNet from `buildWaveNet` (or loaded from one).
 * @param audio - The training audio: waveform in [-1, 1], or classes as an `Int32Array`.
 * @param options - Steps, batch, window, optimizer, conditioning; see {@link TrainWaveNetOptions}.
 * @returns Steps done, why training stopped (`'completed'` or `'aborted'`), and the loss history.
 * @throws {@link ValueError} for a model not built by `buildWaveNet`, audio
 *   shorter than a window, missing or unexpected conditioning, or invalid options;
 *   `NonFiniteLossError` when the loss or a gradient is not finite (before the update). On the stock wasm backend,
 *   a missing-kernel error says to call `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * import { buildWaveNet } from 'tfjs-generative/audio';
 * import { trainWaveNet } from 'tfjs-generative/training';
 * const net = buildWaveNet({ residualChannels: 8, skipChannels: 16, dilations: [1, 2, 4], seed: 1 });
 * const audio = Float32Array.from({ length: 4000 }, (_, i) => 0.5 * Math.sin(i / 5));
 * const { history } = await trainWaveNet(net, audio, { steps: 2, batchSize: 2, contextLength: 64, seed: 1 });
 * console.log(history.loss.length); // 2
 * ```
 *
 * @category Training
 */
export async function trainWaveNet(model: tfl.LayersModel, audio: Float32Array | Int32Array | readonly number[] | tf.Tensor1D, options: TrainWaveNetOptions): Promise<TrainWaveNetResult> {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, KEYS, 'options');
  const parts = waveNetParts(model);
  if (parts === null) throw invalidField(FN, 'model', 'a model built by buildWaveNet (or loaded from one)', model);
  const steps = checkPositiveInt(FN, 'steps', options.steps);
  const batchSize = checkPositiveInt(FN, 'batchSize', options.batchSize ?? 8);
  const [contextLength, lengthField] = resolveContextLength(options, Math.max(256, 2 * parts.receptiveField));
  const seed = checkOptionalSeed(FN, 'seed', options.seed);
  checkCallbacks(FN, options, ['onStep']);
  const yieldTo = checkYieldMode(FN, 'yieldTo', options.yieldTo);
  const optimizer = checkOptimizer(FN, 'optimizer', options.optimizer);
  const checkpoint = checkCheckpointOption(FN, options.checkpoint);
  const q = parts.quantizationLevels;
  const classes = await audioClasses(audio, q);
  if (classes.length < contextLength + 1) {
    throw invalidField(FN, 'audio', `at least ${contextLength + 1} samples (${lengthField} + 1)`, `${classes.length} samples`);
  }
  const conditioning = options.conditioning;
  if ((parts.conditioningDim === null) !== (conditioning === undefined)) {
    throw new ValueError(
      parts.conditioningDim === null
        ? `${FN}: \`conditioning\` was given, but the model was built without conditioningDim.`
        : `${FN}: the model was built with conditioningDim ${parts.conditioningDim}; pass \`conditioning\`, a vector of ${parts.conditioningDim} numbers.`,
    );
  }
  if (conditioning !== undefined && conditioning.length !== parts.conditioningDim) {
    throw invalidField(FN, 'conditioning', `a vector of ${parts.conditioningDim} numbers`, `${conditioning.length} numbers`);
  }
  const { onStep, signal } = options;
  const vector = conditioning === undefined ? undefined : Float32Array.from(conditioning);
  return hintingKernels(async () => {
    const result = await trainNextToken(FN, model, classes, {
      steps,
      batchSize,
      contextLength,
      optimizer,
      labelSmoothing: 0,
      seed,
      ...optional('extraInputs', vector === undefined ? undefined : (b: number) => [tf.tidy(() => tf.tile(tf.tensor2d(vector, [1, vector.length]), [b, 1]))]), // [B, G]
      onStep,
      signal,
      checkpoint,
      setup: { conditioning: vector === undefined ? null : Array.from(vector).join(',') },
      yieldTo,
    });
    return { steps: result.steps, stopReason: result.stopReason, history: { loss: result.losses } };
  });
}

/** `contextLength`, or its deprecated alias `windowLength` (both only when equal), and the name the caller used. */
function resolveContextLength(options: TrainWaveNetOptions, fallback: number): [number, 'contextLength' | 'windowLength'] {
  const { contextLength, windowLength } = options;
  if (contextLength !== undefined && windowLength !== undefined && contextLength !== windowLength) {
    throw new ValueError(
      `${FN}: \`contextLength\` and its former name \`windowLength\` differ: received contextLength ${String(contextLength)} and windowLength ${String(windowLength)}; give \`contextLength\` only.`,
    );
  }
  if (contextLength === undefined && windowLength !== undefined) return [checkPositiveInt(FN, 'windowLength', windowLength), 'windowLength'];
  return [checkPositiveInt(FN, 'contextLength', contextLength ?? fallback), 'contextLength'];
}

async function audioClasses(audio: unknown, q: number): Promise<Int32Array> {
  if (audio instanceof Int32Array) {
    const bad = audio.findIndex((c) => c < 0 || c >= q);
    if (bad >= 0) throw invalidField(FN, 'audio', `classes in [0, ${q})`, `${audio[bad]} at index ${bad}`);
    return audio;
  }
  let values: ArrayLike<number>;
  if (audio instanceof tf.Tensor) {
    if (audio.rank !== 1) throw invalidField(FN, 'audio', 'a 1-D waveform', `a tensor of rank ${audio.rank}`);
    values = await audio.data();
  } else if (audio instanceof Float32Array || Array.isArray(audio)) {
    values = audio as ArrayLike<number>;
  } else {
    throw invalidField(FN, 'audio', 'a waveform (Float32Array, array or 1-D tensor) or classes (Int32Array)', audio);
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) throw invalidField(FN, 'audio', 'finite samples in [-1, 1]', `${v} at index ${i}`);
    out[i] = muLawEncodeValue(v, q - 1);
  }
  return out;
}
