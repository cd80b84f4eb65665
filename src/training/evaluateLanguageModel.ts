// Held-out cross-entropy of a language model, in nats and bits per token.
//
// Legend: B batch, T context length.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { withKernelHint } from '../_internal/kernelHint.js';
import { checkPositiveInt } from '../_internal/validate.js';
import { sparseCategoricalCrossEntropyFromLogits } from '../losses/sparseCategoricalCrossEntropyFromLogits.js';
import { modelGeometry, tokenArray, windowBatch } from './_tokens.js';
import type { TokenStream } from './types.js';

/**
 * Options of {@link evaluateLanguageModel}.
 *
 * @category Training
 */
export interface EvaluateLanguageModelOptions {
  /** Window length `T`. Defaults to the model's `contextLength`. */
  contextLength?: number;
  /** Windows per forward pass. Defaults to `16`. */
  batchSize?: number;
}

/**
 * What {@link evaluateLanguageModel} resolves to.
 *
 * @category Training
 */
export interface LanguageModelEvaluation {
  /** Mean cross-entropy per predicted token, in nats. */
  loss: number;
  /** The same in bits per token (bits per character for a character model). */
  bitsPerToken: number;
  /** Number of predicted tokens averaged over. */
  tokens: number;
}

const FN = 'evaluateLanguageModel';

/**
 * Measures a language model's cross-entropy on a token stream.
 *
 * The stream is cut into consecutive, non-overlapping windows of `T + 1`
 * tokens (stride `T`; a last partial window is dropped); every token after
 * the first of each window is predicted from those before it in the window.
 * Inference mode (no dropout). Deterministic. No tensors are leaked, also
 * when the call throws.
 *
 * @param model - A language model, ids `[B, T]` → logits `[B, T, V]`.
 * @param tokens - Held-out token ids in `[0, V)`, at least `T + 1` of them.
 * @param options - Window and batch; see {@link EvaluateLanguageModelOptions}.
 * @returns Loss in nats and bits per token, and how many tokens were predicted.
 * @throws {@link ValueError} for invalid options or tokens.
 *
 * @example
 * ```ts
 * import { buildTransformerLM } from 'tfjs-generative/attention';
 * import { evaluateLanguageModel } from 'tfjs-generative/training';
 * const lm = buildTransformerLM({ vocabSize: 8, contextLength: 16, modelDim: 16, numHeads: 2, numLayers: 1, seed: 1 });
 * const { bitsPerToken } = await evaluateLanguageModel(lm, Array.from({ length: 100 }, (_, i) => i % 8));
 * console.log(bitsPerToken > 0); // true (≈ 3 bits for an untrained model over 8 tokens)
 * ```
 *
 * @category Training
 */
export async function evaluateLanguageModel(
  model: tfl.LayersModel,
  tokens: TokenStream,
  options: EvaluateLanguageModelOptions = {},
): Promise<LanguageModelEvaluation> {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['contextLength', 'batchSize'], 'options');
  const { vocabSize, contextLength } = modelGeometry(FN, model, options.contextLength);
  const batchSize = checkPositiveInt(FN, 'batchSize', options.batchSize ?? 16);
  const stream = await tokenArray(FN, tokens, vocabSize, contextLength + 1);
  const starts: number[] = [];
  for (let s = 0; s + contextLength + 1 <= stream.length; s += contextLength) starts.push(s);
  let total = 0;
  for (let i = 0; i < starts.length; i += batchSize) {
    const chunk = starts.slice(i, i + batchSize);
    const { x, y } = windowBatch(stream, chunk, contextLength); // [B, T], [B, T]
    const made: tf.Tensor[] = [x, y];
    try {
      const loss = tf.tidy(() => sparseCategoricalCrossEntropyFromLogits(y, model.apply(x, { training: false }) as tf.Tensor));
      made.push(loss);
      total += (await loss.data())[0]! * chunk.length * contextLength;
    } catch (error) {
      throw withKernelHint(error);
    } finally {
      tf.dispose(made);
    }
  }
  const count = starts.length * contextLength;
  const loss = total / count;
  return { loss, bitsPerToken: loss / Math.LN2, tokens: count };
}
