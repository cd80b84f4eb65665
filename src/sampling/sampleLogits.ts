// Sampling from logits: temperature, top-k (Fan et al. 2018, https://arxiv.org/abs/1805.04833)
// and nucleus / top-p sampling (Holtzman et al. 2019, https://arxiv.org/abs/1904.09751);
// the draw itself is in `_sampleRows.ts`, shared with `generate`.
//
// Legend: B batch, V vocabulary.
import * as tf from '@tensorflow/tfjs-core';
import { invalidField } from '../_internal/errors.js';
import { checkNonNegativeInt, checkTensor, formatShape } from '../_internal/validate.js';
import { resolveSampling, sampleRows } from './_sampleRows.js';

/**
 * Options of {@link sampleLogits}.
 *
 * @category Sampling
 */
export interface SampleLogitsOptions {
  /** Divides the logits; below 1 sharpens, above 1 flattens; `0` is greedy (argmax). Defaults to `1`. */
  temperature?: number;
  /** Keep only the `topK` most likely tokens. Defaults to all. */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches `topP` (in (0, 1]). Defaults to `1`. */
  topP?: number;
  /** Seed of the draw; the same seed and logits give the same ids. Defaults to unseeded. */
  seed?: number;
}

const FN = 'sampleLogits';

/**
 * Draws one token id per row of `logits`.
 *
 * The logits are divided by `temperature`, cut to the `topK` largest, then to
 * the nucleus: the smallest set of the largest whose softmax mass reaches
 * `topP` (the most likely token is always kept); the draw is from the
 * renormalised softmax of what is left. `temperature: 0` returns the argmax.
 * Runs on the backend and returns a tensor, so it works on every backend; on
 * webgl (and webgpu), tfjs's TopK kernel behind `topK` / `topP` reads rows
 * shorter than 100000 back synchronously (`TOPK_LAST_DIM_CPU_HANDOFF_SIZE_THRESHOLD`);
 * {@link generate} draws on the CPU after an async read instead.
 *
 * Defined for every row: logits are shifted by their row maximum before the
 * temperature divides them, so a tiny temperature tends to the argmax; a row
 * holding `+Infinity` draws among its `+Infinity` tokens; a row containing NaN
 * gives id `-2`, and a row of `-Infinity` only gives `-1` (no token can be
 * drawn; {@link generate} turns both into an error naming the step).
 *
 * @param logits - Unnormalised log-probabilities `[B, V]` (or `[V]`).
 * @param options - Temperature, top-k, top-p, seed; see {@link SampleLogitsOptions}.
 * @returns Token ids, int32 `[B]` (a scalar for `[V]` logits).
 * @throws {@link ValueError} for logits that are not rank 1 or 2, or invalid options.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { sampleLogits } from 'tfjs-generative/sampling';
 * const logits = tf.tensor2d([[2, 1, 0.5, -1]]);
 * const ids = sampleLogits(logits, { temperature: 0.8, topK: 3, topP: 0.9, seed: 1 });
 * console.log(ids.shape); // [1]
 * ```
 *
 * @category Sampling
 */
export function sampleLogits(logits: tf.Tensor, options: SampleLogitsOptions = {}): tf.Tensor {
  checkTensor(FN, 'logits', logits);
  if (logits.rank !== 1 && logits.rank !== 2) {
    throw invalidField(FN, 'logits', 'a tensor [B, V] or [V]', `shape ${formatShape(logits.shape)}`);
  }
  const sampling = resolveSampling(FN, options);
  const seed = options.seed === undefined ? undefined : checkNonNegativeInt(FN, 'seed', options.seed);
  return tf.tidy(() => {
    const rows = logits.rank === 1 ? tf.expandDims(logits, 0) : logits; // [B, V]
    const ids = sampleRows(tf.cast(rows, 'float32') as tf.Tensor2D, sampling, seed); // [B]
    return logits.rank === 1 ? tf.reshape(ids, []) : ids;
  });
}
