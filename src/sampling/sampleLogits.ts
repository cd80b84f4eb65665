// Sampling from logits: temperature, top-k (Fan et al. 2018, https://arxiv.org/abs/1805.04833)
// and nucleus / top-p sampling (Holtzman et al. 2019, https://arxiv.org/abs/1904.09751).
//
// Legend: B batch, V vocabulary, K kept candidates.
import * as tf from '@tensorflow/tfjs-core';
import { invalidField } from '../_internal/errors.js';
import { checkNonNegativeInt, checkPositiveInt, checkTensor, formatShape } from '../_internal/validate.js';

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

/** @hidden */
export interface ResolvedSampling {
  temperature: number;
  topK: number | undefined;
  topP: number;
}

/** Validates the sampling options (shared with `generate`). @hidden */
export function resolveSampling(fn: string, options: { temperature?: unknown; topK?: unknown; topP?: unknown }): ResolvedSampling {
  const temperature = options.temperature ?? 1;
  if (typeof temperature !== 'number' || !Number.isFinite(temperature) || temperature < 0) {
    throw invalidField(fn, 'temperature', 'a finite number >= 0', temperature);
  }
  const topK = options.topK === undefined ? undefined : checkPositiveInt(fn, 'topK', options.topK);
  const topP = options.topP ?? 1;
  if (typeof topP !== 'number' || !(topP > 0 && topP <= 1)) throw invalidField(fn, 'topP', 'a number in (0, 1]', topP);
  return { temperature, topK, topP };
}

/**
 * Draws one token id per row of `logits`.
 *
 * The logits are divided by `temperature`, cut to the `topK` largest, then to
 * the nucleus: the smallest set of the largest whose softmax mass reaches
 * `topP` (the most likely token is always kept); the draw is from the
 * renormalised softmax of what is left. `temperature: 0` returns the argmax.
 * Runs on the backend (no data read back), so it works on every backend.
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

/** The draw itself, without validation. @hidden */
export function sampleRows(rows: tf.Tensor2D, { temperature, topK, topP }: ResolvedSampling, seed: number | undefined): tf.Tensor1D {
  const [b, v] = rows.shape;
  if (temperature === 0) return tf.cast(tf.argMax(rows, 1), 'int32') as tf.Tensor1D;
  const k = Math.min(topK ?? v, v);
  const scaled = tf.div(rows, temperature) as tf.Tensor2D;
  if (k === v && topP >= 1) return gumbelArgMax(scaled, seed);
  const { values, indices } = tf.topk(scaled, k); // [B, K], sorted descending
  let candidates: tf.Tensor2D = values;
  if (topP < 1) {
    // Keep candidate j while the mass of the candidates before it is < topP: the smallest prefix reaching topP.
    const before = tf.cumsum(tf.softmax(values), 1, true); // exclusive cumulative mass [B, K]
    candidates = tf.where(tf.less(before, topP), values, tf.fill([b, k], -Infinity)) as tf.Tensor2D;
  }
  const choice = gumbelArgMax(candidates, seed); // [B] index into each row's candidates
  // indices[r, choice[r]] as a flat gather (gather with batchDims reads out of bounds on tfjs-backend-wasm 4.22).
  const flat = tf.add(tf.mul(tf.range(0, b, 1, 'int32'), tf.scalar(k, 'int32')), choice); // [B]
  return tf.gather(tf.reshape(indices, [b * k]), flat) as tf.Tensor1D;
}

/**
 * One categorical draw per row by the Gumbel-max trick: `argmax(l + g)` with
 * `g = -log(-log(u))`, `u ~ U(0, 1)`, is distributed as `softmax(l)`
 * (Gumbel 1954; Maddison et al. 2014). Unlike `tf.multinomial`, whose seeded
 * draw repeats the same uniform number on every row, each row gets its own.
 * Rows of `-∞` are never chosen.
 */
function gumbelArgMax(logits: tf.Tensor2D, seed: number | undefined): tf.Tensor1D {
  const u = tf.randomUniform(logits.shape, 1e-20, 1, 'float32', seed);
  const gumbel = tf.neg(tf.log(tf.neg(tf.log(u))));
  return tf.cast(tf.argMax(tf.add(logits, gumbel), 1), 'int32') as tf.Tensor1D;
}
