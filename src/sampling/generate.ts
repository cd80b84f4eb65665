// Autoregressive generation with a key/value cache (as in GPT-2's reference implementation):
// each new token costs one position through the model, not a re-run of the prefix.
//
// Legend: T window length, V vocabulary.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField, ValueError } from '../_internal/errors.js';
import { withKernelHint } from '../_internal/kernelHint.js';
import { seedSource } from '../_internal/random.js';
import { checkLayersModel, checkNonNegativeInt, checkOptionalSeed, checkPositiveInt } from '../_internal/validate.js';
import { checkCallbacks } from '../training/checkCallbacks.js';
import type { StopReason } from '../training/types.js';
import { checkYieldMode, yieldControl, type YieldMode } from '../_internal/yieldControl.js';
import { languageModelParts, languageModelStep, type KeyValueCache } from '../attention/languageModelParts.js';
import { drawRowsData, noiseSize, resolveSampling, NAN_LOGITS, type ResolvedSampling } from './_sampleRows.js';

/**
 * Options of {@link generate}.
 *
 * @category Sampling
 */
export interface GenerateOptions {
  /** Number of tokens to generate (fewer if a stop token comes or the signal aborts). */
  maxNewTokens: number;
  /** Sampling temperature; `0` is greedy. Defaults to `1`. */
  temperature?: number;
  /** Keep only the `topK` most likely tokens at each step. Defaults to all. */
  topK?: number;
  /** Nucleus sampling mass in (0, 1]. Defaults to `1`. */
  topP?: number;
  /** Seed of the draws: the same seed, model and prompt give the same tokens. Defaults to unseeded. */
  seed?: number;
  /** Tokens that end generation; the stop token is not included in the result. Defaults to none. */
  stopTokens?: readonly number[];
  /** Called with each new token as it is drawn (for streaming); may be async (generation waits). */
  onToken?: (token: number, index: number) => void | Promise<void>;
  /** Stops generation before the next token when aborted. */
  signal?: AbortSignal;
  /**
   * Use the key/value cache. Defaults to `true` for models built by
   * `buildTransformerLM` (or loaded from one), `false` otherwise; `false`
   * re-runs the whole window for every token (for comparison).
   */
  useCache?: boolean;
  /** Longest window the model takes. Defaults to the model's `contextLength` (or its fixed input length). */
  contextLength?: number;
  /**
   * Where to hand control back between tokens, so that timers, UI and an
   * outside `signal.abort()` run within one token: `'task'`, `'frame'` or
   * `'none'` (see {@link YieldMode}). Defaults to `'task'`.
   */
  yieldTo?: YieldMode;
}

/**
 * Why {@link generate} returned: `'max-tokens'`, `'stop-token'` or `'aborted'`.
 *
 * @deprecated Use {@link StopReason} (one union for trainers and samplers); this alias is removed in 0.4.0.
 * @category Sampling
 */
export type GenerateStopReason = Extract<StopReason, 'max-tokens' | 'stop-token' | 'aborted'>;

/**
 * What {@link generate} resolves to.
 *
 * @category Sampling
 */
export interface GenerateResult {
  /** The new tokens (without the prompt, without the stop token). */
  tokens: number[];
  /** Why generation stopped: `'max-tokens'`, `'stop-token'` or `'aborted'`. */
  stopReason: Extract<StopReason, 'max-tokens' | 'stop-token' | 'aborted'>;
}

const FN = 'generate';
const KEYS = ['maxNewTokens', 'temperature', 'topK', 'topP', 'seed', 'stopTokens', 'onToken', 'signal', 'useCache', 'contextLength', 'yieldTo'] as const;

/**
 * Generates tokens from a language model, one at a time, with a key/value cache.
 *
 * `model` maps token ids `[B, T]` to logits `[B, T, V]`. For models built by
 * `buildTransformerLM` the keys and values of past positions are cached, so
 * each new token costs one position through the model (its logits equal the
 * uncached forward pass to float tolerance). Any other such model is run on
 * the whole window for every token.
 *
 * **Context rule.** The model sees a window of at most `contextLength`
 * tokens. When the text outgrows it, the window jumps forward to keep the last
 * `⌈contextLength / 2⌉` tokens, which are encoded afresh (with learned
 * absolute positions a cache cannot slide one token at a time); so a long
 * generation re-encodes half a window every `⌊contextLength / 2⌋` tokens. The
 * cached and uncached paths follow the same rule and give the same logits.
 *
 * **The draw.** Each step's logits are read back with one `await data()` and
 * the token is drawn on the CPU (temperature, top-k, top-p, the same Gumbel-max
 * draw as {@link sampleLogits}, which it equals on the cpu backend for the
 * same seed), so no step stalls a GPU backend with a synchronous read. Between
 * tokens the call yields (`yieldTo`, default `'task'`), so timers, UI and an
 * outside `signal.abort()` run within one token.
 *
 * No tensors are leaked, also when the call throws (a callback that throws,
 * a model that fails mid-generation).
 *
 * @param model - A language model, ids `[B, T]` → logits `[B, T, V]`.
 * @param promptIds - The prompt: 1 to `contextLength` token ids in `[0, V)`.
 * @param options - Length, sampling, stop tokens, streaming; see {@link GenerateOptions}.
 * @returns The new tokens and why generation stopped (`'max-tokens'`, `'stop-token'` or `'aborted'`).
 * @throws {@link ValueError} for an empty or too long prompt, ids outside the
 *   vocabulary, or invalid options (a `signal` that is not an AbortSignal,
 *   `stopTokens` that is not an array); when the model's logits at a step
 *   contain NaN or are all `-Infinity` (naming the step). On the stock wasm backend, a missing-kernel
 *   error says to call `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * import { buildTransformerLM } from 'tfjs-generative/attention';
 * import { generate } from 'tfjs-generative/sampling';
 * const lm = buildTransformerLM({ vocabSize: 16, contextLength: 8, modelDim: 16, numHeads: 2, numLayers: 1, seed: 1 });
 * const { tokens } = await generate(lm, [1, 2, 3], { maxNewTokens: 5, topK: 4, seed: 7 });
 * console.log(tokens.length); // 5
 * ```
 *
 * @category Sampling
 */
export async function generate(
  model: tfl.LayersModel,
  promptIds: readonly number[] | Int32Array,
  options: GenerateOptions,
): Promise<GenerateResult> {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, KEYS, 'options');
  checkLayersModel(FN, 'model', model);
  const maxNewTokens = checkNonNegativeInt(FN, 'maxNewTokens', options.maxNewTokens);
  const sampling = resolveSampling(FN, options);
  const seed = checkOptionalSeed(FN, 'seed', options.seed);
  checkCallbacks(FN, options, ['onToken']);
  const yieldTo = checkYieldMode(FN, 'yieldTo', options.yieldTo);
  const { onToken, signal } = options;
  const vocabSize = model.outputs[0]!.shape[model.outputs[0]!.shape.length - 1];
  if (typeof vocabSize !== 'number') throw new ValueError(`${FN}: the model's output has no fixed vocabulary size (last dimension).`);
  if (options.stopTokens !== undefined && !Array.isArray(options.stopTokens)) {
    throw invalidField(FN, 'stopTokens', 'an array of token ids', options.stopTokens);
  }
  const stopTokens = new Set<number>();
  for (const t of options.stopTokens ?? []) stopTokens.add(checkToken('stopTokens', t, vocabSize));

  const parts = languageModelParts(model);
  const useCache = options.useCache ?? parts !== null;
  if (typeof useCache !== 'boolean') throw invalidField(FN, 'useCache', 'a boolean', useCache);
  if (useCache && parts === null) {
    throw new ValueError(`${FN}: \`useCache\` needs a model built by buildTransformerLM (or loaded from one); pass useCache: false for other models.`);
  }
  const fixedLength = model.inputs[0]?.shape[1];
  const contextLength = checkPositiveInt(
    FN,
    'contextLength',
    options.contextLength ?? parts?.positions.sequenceLength ?? (typeof fixedLength === 'number' ? fixedLength : undefined),
  );
  if (parts !== null && contextLength > parts.positions.sequenceLength) {
    throw invalidField(FN, 'contextLength', `at most the model's ${parts.positions.sequenceLength}`, contextLength);
  }
  if (!Array.isArray(promptIds) && !(promptIds instanceof Int32Array)) {
    throw invalidField(FN, 'promptIds', 'an array of token ids', promptIds);
  }
  if (promptIds.length === 0 || promptIds.length > contextLength) {
    throw invalidField(FN, 'promptIds', `1 to ${contextLength} token ids (the context length)`, `${promptIds.length} ids`);
  }
  const tokens = Array.from(promptIds, (t) => checkToken('promptIds', t, vocabSize));

  const rng = seedSource(seed);
  const keep = Math.ceil(contextLength / 2);
  const generated: number[] = [];
  let start = 0; // first token of the window
  let cached = 0; // tokens of the window already in the cache
  let caches: KeyValueCache[] | null = null;
  let stopReason: GenerateResult['stopReason'] = 'max-tokens';
  try {
    for (let i = 0; i < maxNewTokens; i++) {
      if (signal?.aborted === true) {
        stopReason = 'aborted';
        break;
      }
      if (tokens.length - start > contextLength) {
        start = tokens.length - keep;
        cached = 0;
        tf.dispose(caches ?? []);
        caches = null;
      }
      const stepSeed = rng.nextSeed();
      const window = tokens.slice(start);
      const out = tf.tidy(() => {
        if (useCache) return languageModelStep(parts!, window.slice(cached), cached, caches); // logits [1, V]
        const logits = model.predict(tf.tensor2d(window, [1, window.length], 'int32')) as tf.Tensor; // [1, T, V]
        return { logits: tf.slice(logits, [0, window.length - 1, 0], [1, 1, vocabSize]), caches: [] as KeyValueCache[] };
      });
      if (useCache) {
        tf.dispose(caches ?? []);
        caches = out.caches;
        cached = window.length;
      }
      const id = await drawToken(out.logits, vocabSize, sampling, stepSeed);
      if (id < 0) {
        throw new ValueError(
          `${FN}: the model's logits at step ${i} ${id === NAN_LOGITS ? 'contain NaN' : 'are all -Infinity'}, so no token can be drawn` +
            ' (a model whose weights became NaN or infinite, or a mask that hides every token).',
        );
      }
      if (stopTokens.has(id)) {
        stopReason = 'stop-token';
        break;
      }
      tokens.push(id);
      generated.push(id);
      if (onToken !== undefined) await onToken(id, i);
      await yieldControl(yieldTo);
    }
  } catch (error) {
    throw withKernelHint(error);
  } finally {
    tf.dispose(caches ?? []);
  }
  return { tokens: generated, stopReason };
}

/**
 * Reads one step's logits `[1, V]` back with one `await data()` (and disposes
 * them) and draws the token on the CPU: top-k / top-p need a sort, and the
 * webgl TopK kernel would read the logits back synchronously instead.
 */
async function drawToken(logits: tf.Tensor, vocabSize: number, sampling: ResolvedSampling, seed: number): Promise<number> {
  const n = noiseSize(sampling, 1, vocabSize);
  const noise = n === 0 ? null : tf.randomUniform([n], 1e-20, 1, 'float32', seed);
  try {
    const [rows, u] = await Promise.all([logits.data() as Promise<Float32Array>, noise?.data() as Promise<Float32Array> | undefined]);
    return drawRowsData(rows, 1, vocabSize, sampling, u ?? null)[0]!;
  } finally {
    tf.dispose([logits, ...(noise === null ? [] : [noise])]);
  }
}

function checkToken(field: string, t: unknown, vocabSize: number): number {
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0 || t >= vocabSize) {
    throw invalidField(FN, field, `token ids that are integers in [0, ${vocabSize})`, t);
  }
  return t;
}
