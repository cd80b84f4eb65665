// Next-token training of a language model on random windows of a token stream
// (as nanoGPT samples its batches), with the token cross-entropy in nats.
//
// Legend: B batch, T context length, V vocabulary.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { hintingKernels } from '../_internal/kernelHint.js';
import { checkOptionalSeed, checkPositiveInt, checkRate01 } from '../_internal/validate.js';
import { checkCheckpointOption } from './_checkpoint.js';
import { checkCallbacks, checkOptimizer } from './_loop.js';
import { trainNextToken } from './_nextToken.js';
import { modelGeometry, tokenArray } from './_tokens.js';
import type { CheckpointOptions } from './checkpoint.js';
import { checkYieldMode, type YieldMode } from '../_internal/yieldControl.js';
import type { StopReason, TokenStream } from './types.js';

/**
 * What {@link trainLanguageModel} reports after each step.
 *
 * @category Training
 */
export interface LanguageModelStepInfo {
  /** Zero-based index of the step just completed. */
  step: number;
  /** Mean token cross-entropy of the batch, in nats (before the update). */
  loss: number;
  /** The same in bits per token (`loss / ln 2`). */
  bitsPerToken: number;
}

/**
 * Options of {@link trainLanguageModel}.
 *
 * @category Training
 */
export interface TrainLanguageModelOptions {
  /** Number of optimizer steps. */
  steps: number;
  /** Window length `T`. Defaults to the model's `contextLength`. */
  contextLength?: number;
  /** Windows per batch. Defaults to `16`. */
  batchSize?: number;
  /** The optimizer; keeps its state across calls when passed again. Defaults to `tf.train.adam(1e-3)`. */
  optimizer?: tf.Optimizer;
  /** Label smoothing ε of the loss, in [0, 1). Defaults to `0`. */
  labelSmoothing?: number;
  /** Seed of the window positions; the same seed and weights give the same run (without dropout). Defaults to unseeded. */
  seed?: number;
  /** Called after every step; may be async (training waits). */
  onStep?: (info: LanguageModelStepInfo) => void | Promise<void>;
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
 * What {@link trainLanguageModel} resolves to.
 *
 * @category Training
 */
export interface TrainLanguageModelResult {
  /** Steps completed. */
  steps: number;
  /** Why training stopped: `'completed'` or `'aborted'`. */
  stopReason: Extract<StopReason, 'completed' | 'aborted'>;
  /** Per-step losses. */
  history: LanguageModelHistory;
}

/**
 * The losses of a {@link trainLanguageModel} run.
 *
 * @category Training
 */
export interface LanguageModelHistory {
  /** Loss of every step, in nats per token. */
  loss: number[];
}

const FN = 'trainLanguageModel';
const KEYS = ['steps', 'contextLength', 'batchSize', 'optimizer', 'labelSmoothing', 'seed', 'onStep', 'signal', 'checkpoint', 'yieldTo'] as const;

/**
 * Trains a language model to predict the next token.
 *
 * Each step draws `batchSize` windows at random positions of `tokens`
 * (seeded), feeds `tokens[s … s+T-1]` and minimises the cross-entropy of
 * `tokens[s+1 … s+T]` under the model's logits, in training mode (dropout
 * on). The loss and the gradients are checked before each update is
 * applied: a NaN or infinite one stops training with a `NonFiniteLossError`
 * naming the step and the part, and the model and the optimizer keep the
 * state of the last finite step. No tensors are leaked, also when the call throws (an
 * optimizer made here is disposed either way).
 *
 * @param model - A language model, ids `[B, T]` → logits `[B, T, V]` (e.g. from `buildTransformerLM`).
 * @param tokens - The training text as token ids in `[0, V)`, at least `T + 1` of them.
 * @param options - Steps, window, batch, optimizer; see {@link TrainLanguageModelOptions}.
 * @returns Steps done, why training stopped (`'completed'` or `'aborted'`), and the loss history.
 * @throws {@link ValueError} for invalid options or tokens; `NonFiniteLossError` when the loss or a gradient is not finite (before the update).
 *   On the stock wasm backend, a missing-kernel error says to call `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * import { buildTransformerLM } from 'tfjs-generative/attention';
 * import { trainLanguageModel } from 'tfjs-generative/training';
 * const lm = buildTransformerLM({ vocabSize: 8, contextLength: 16, modelDim: 16, numHeads: 2, numLayers: 1, seed: 1 });
 * const tokens = Array.from({ length: 200 }, (_, i) => i % 8);
 * const { history } = await trainLanguageModel(lm, tokens, { steps: 3, batchSize: 4, seed: 1 });
 * console.log(history.loss.length); // 3
 * ```
 *
 * @category Training
 */
export async function trainLanguageModel(
  model: tfl.LayersModel,
  tokens: TokenStream,
  options: TrainLanguageModelOptions,
): Promise<TrainLanguageModelResult> {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, KEYS, 'options');
  const { vocabSize, contextLength } = modelGeometry(FN, model, options.contextLength);
  const steps = checkPositiveInt(FN, 'steps', options.steps);
  const batchSize = checkPositiveInt(FN, 'batchSize', options.batchSize ?? 16);
  const labelSmoothing = checkRate01(FN, 'labelSmoothing', options.labelSmoothing ?? 0);
  const seed = checkOptionalSeed(FN, 'seed', options.seed);
  checkCallbacks(FN, options, ['onStep']);
  const yieldTo = checkYieldMode(FN, 'yieldTo', options.yieldTo);
  const optimizer = checkOptimizer(FN, 'optimizer', options.optimizer);
  const checkpoint = checkCheckpointOption(FN, options.checkpoint);
  const { onStep, signal } = options;
  const stream = await tokenArray(FN, tokens, vocabSize, contextLength + 1);
  return hintingKernels(async () => {
    const result = await trainNextToken(FN, model, stream, {
      steps,
      batchSize,
      contextLength,
      optimizer,
      labelSmoothing,
      seed,
      onStep: onStep === undefined ? undefined : ({ step, loss }) => onStep({ step, loss, bitsPerToken: loss / Math.LN2 }),
      signal,
      checkpoint,
      yieldTo,
    });
    return { steps: result.steps, stopReason: result.stopReason, history: { loss: result.losses } };
  });
}
