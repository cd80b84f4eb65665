// Scaled dot-product attention: Vaswani et al. 2017, https://arxiv.org/abs/1706.03762 (eq. 1).
//
// Legend: B batch, H heads, T query length, S key length, D key/query size, E value size.
import * as tf from '@tensorflow/tfjs-core';
import { invalidField, ValueError } from '../_internal/errors.js';
import { checkTensor, formatShape } from '../_internal/validate.js';
import { attend, checkBroadcast, keepMaskToAdditive } from './_attentionCore.js';

/**
 * Options of {@link scaledDotProductAttention}.
 *
 * @category Attention
 */
export interface ScaledDotProductAttentionOptions {
  /**
   * Mask broadcastable to `[B, H, T, S]`. A `bool` tensor is a keep-mask
   * (`true` = attend); any other dtype is added to the scores (0 to attend,
   * a large negative number such as `-1e9` not to). Defaults to no mask.
   */
  mask?: tf.Tensor;
  /** Forbid each query position `i` to attend to key positions after `i` (aligned at the end when `S > T`). Defaults to `false`. */
  causal?: boolean;
  /** Dropout rate on the attention weights, in [0, 1). Applied whenever it is above 0. Defaults to `0`. */
  dropout?: number;
  /** Seed of the dropout. Defaults to unseeded. */
  seed?: number;
}

/**
 * What {@link scaledDotProductAttention} returns (a tensor container: `tf.dispose(result)` frees both).
 *
 * @category Attention
 */
export type ScaledDotProductAttentionResult = {
  /** Attended values `[B, H, T, E]`. */
  output: tf.Tensor4D;
  /** Attention weights `[B, H, T, S]` (after masking and softmax, before dropout); rows sum to 1. */
  weights: tf.Tensor4D;
};

const FN = 'scaledDotProductAttention';

/**
 * Computes `softmax(Q Kᵀ / √D + M) V` per head.
 *
 * The softmax runs in float32 on scores from which the row maximum is
 * subtracted, so large scores do not overflow. Masked scores are set to
 * `-1e9` rather than `-∞`, so a row whose keys are all masked gives uniform
 * weights instead of NaN (as Keras does).
 *
 * @param query - Queries `[B, H, T, D]`.
 * @param key - Keys `[B, H, S, D]`.
 * @param value - Values `[B, H, S, E]`.
 * @param options - Mask, causal mask, dropout; see {@link ScaledDotProductAttentionOptions}.
 * @returns `{ output: [B, H, T, E], weights: [B, H, T, S] }`; the caller disposes both.
 * @throws {@link ValueError} when the shapes do not agree or the mask does not broadcast.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { scaledDotProductAttention } from 'tfjs-generative/attention';
 * const q = tf.randomNormal([2, 4, 5, 8]); // [B, H, T, D]
 * const { output, weights } = scaledDotProductAttention(q, q, q, { causal: true });
 * console.log(output.shape, weights.shape); // [2, 4, 5, 8] [2, 4, 5, 5]
 * ```
 *
 * @category Attention
 */
export function scaledDotProductAttention(
  query: tf.Tensor,
  key: tf.Tensor,
  value: tf.Tensor,
  options: ScaledDotProductAttentionOptions = {},
): ScaledDotProductAttentionResult {
  checkTensor(FN, 'query', query);
  checkTensor(FN, 'key', key);
  checkTensor(FN, 'value', value);
  for (const [field, t] of [['query', query], ['key', key], ['value', value]] as const) {
    if (t.rank !== 4) throw invalidField(FN, field, 'a rank-4 tensor [B, H, T, D]', `shape ${formatShape(t.shape)}`);
  }
  const [b, h, t, d] = query.shape as [number, number, number, number];
  const s = key.shape[2]!;
  if (key.shape[0] !== b || key.shape[1] !== h || key.shape[3] !== d || value.shape[0] !== b || value.shape[1] !== h || value.shape[2] !== s) {
    throw new ValueError(
      `${FN}: query, key and value shapes do not agree: expected query [B, H, T, D], key [B, H, S, D], value [B, H, S, E]; ` +
        `received query ${formatShape(query.shape)}, key ${formatShape(key.shape)}, value ${formatShape(value.shape)}.`,
    );
  }
  const { mask, causal = false, dropout = 0, seed } = options;
  if (mask !== undefined) {
    checkTensor(FN, 'mask', mask);
    checkBroadcast(FN, 'mask', mask.shape, [b, h, t, s]);
  }
  if (typeof causal !== 'boolean') throw invalidField(FN, 'causal', 'a boolean', causal);
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1)) throw invalidField(FN, 'dropout', 'a number in [0, 1)', dropout);

  return tf.tidy(() => {
    const additive = mask === undefined ? null : mask.dtype === 'bool' ? keepMaskToAdditive(mask) : tf.cast(mask, 'float32');
    return attend(query, key, value, additive, causal, dropout, seed);
  });
}

