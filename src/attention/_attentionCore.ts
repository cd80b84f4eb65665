/**
 * The arithmetic shared by {@link MultiHeadAttention}, {@link TransformerBlock}
 * and cached generation: head projections, masks, and their merge. One
 * implementation, so that the layer, the block and the key/value cache cannot
 * drift apart.
 *
 * Legend: B batch, T query length, S key length, C width, H heads,
 * D key/query head size, E value head size, O output width.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../_internal/errors.js';
import { formatShape } from '../_internal/validate.js';

/** Large negative score for masked positions: finite, so a fully masked row stays finite. @hidden */
export const MASKED_SCORE = -1e9;

/**
 * Projects `[B, T, C]` onto `H` heads: `[B, H, T, D]`. One 2-D matmul
 * (the fast path of every backend), then a reshape and a transpose.
 * @hidden
 */
export function projectHeads(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor4D {
  const [b, t, c] = x.shape as [number, number, number];
  const [, h, d] = kernel.shape as [number, number, number];
  let y: tf.Tensor = tf.matMul(tf.reshape(x, [b * t, c]), tf.reshape(kernel, [c, h * d])); // [B·T, H·D]
  if (bias !== null) y = tf.add(y, tf.reshape(bias, [h * d]));
  return tf.transpose(tf.reshape(y, [b, t, h, d]), [0, 2, 1, 3]); // [B, H, T, D]
}

/**
 * Concatenates heads `[B, H, T, E]` and projects them to `[B, T, O]`.
 * @hidden
 */
export function mergeHeads(o: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null): tf.Tensor3D {
  const [b, h, t, e] = o.shape as [number, number, number, number];
  const out = kernel.shape[2]!;
  const flat = tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [b * t, h * e]); // [B·T, H·E]
  let y: tf.Tensor = tf.matMul(flat, tf.reshape(kernel, [h * e, out])); // [B·T, O]
  if (bias !== null) y = tf.add(y, bias);
  return tf.reshape(y, [b, t, out]);
}

/**
 * Additive causal mask `[T, S]` for queries at positions `offset … offset+T-1`
 * over keys at positions `0 … S-1`: 0 where key ≤ query, {@link MASKED_SCORE}
 * after it.
 * @hidden
 */
export function causalMask(t: number, s: number, offset = s - t): tf.Tensor2D {
  const values = new Float32Array(t * s);
  for (let i = 0; i < t; i++) {
    for (let j = offset + i + 1; j < s; j++) values[i * s + j] = MASKED_SCORE;
  }
  return tf.tensor2d(values, [t, s]);
}

/**
 * Turns a keep-mask (`true` / 1 = attend, `false` / 0 = do not) into an
 * additive mask: `(1 - keep) · MASKED_SCORE`.
 * @hidden
 */
export function keepMaskToAdditive(keep: tf.Tensor): tf.Tensor {
  return tf.mul(tf.sub(1, tf.cast(keep, 'float32')), MASKED_SCORE);
}

/** The projection weights of one multi-head attention. @hidden */
export interface AttentionWeights {
  queryKernel: tf.Tensor; // [Cq, H, D]
  queryBias: tf.Tensor | null; // [H, D]
  keyKernel: tf.Tensor; // [Ck, H, D]
  keyBias: tf.Tensor | null; // [H, D]
  valueKernel: tf.Tensor; // [Cv, H, E]
  valueBias: tf.Tensor | null; // [H, E]
  outputKernel: tf.Tensor; // [H, E, O]
  outputBias: tf.Tensor | null; // [O]
}

/**
 * `softmax(Q Kᵀ / √D + M) V` without validation (callers validate).
 * `q` `[B, H, T, D]`, `k` `[B, H, S, D]`, `v` `[B, H, S, E]`; `additiveMask`
 * broadcastable to `[B, H, T, S]`. With `causal`, query `i` sees keys up to
 * `S - T + i` (so a cached step of `T` new queries over `S` keys is causal too).
 * @hidden
 */
export function attend(
  q: tf.Tensor,
  k: tf.Tensor,
  v: tf.Tensor,
  additiveMask: tf.Tensor | null,
  causal: boolean,
  dropout: number,
  seed: number | undefined,
): { output: tf.Tensor4D; weights: tf.Tensor4D } {
  const d = q.shape[3]!;
  const t = q.shape[2]!;
  const s = k.shape[2]!;
  let scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(d)); // [B, H, T, S]
  if (additiveMask !== null) scores = tf.add(scores, additiveMask);
  if (causal) scores = tf.add(scores, causalMask(t, s));
  // tf.softmax subtracts the row maximum before exponentiating: exp(x - max) / Σ exp(x - max).
  const weights = tf.softmax(scores) as tf.Tensor4D; // [B, H, T, S]
  const dropped = dropout > 0 ? tf.dropout(weights, dropout, undefined, seed) : weights;
  const output = tf.matMul(dropped, v) as tf.Tensor4D; // [B, H, T, E]
  return { output, weights };
}

/** Per-layer key/value cache of cached generation. @hidden */
export type KeyValueCache = {
  key: tf.Tensor4D; // [B, H, S, D]
  value: tf.Tensor4D; // [B, H, S, E]
};

/**
 * Multi-head attention of `query` `[B, T, Cq]` over `key` `[B, S, Ck]` and
 * `value` `[B, S, Cv]`: project, attend, merge. With `cache`, the new keys and
 * values are appended to the cached ones (positions continue after them) and
 * the extended cache is returned.
 * @hidden
 */
export function multiHeadAttentionForward(
  w: AttentionWeights,
  query: tf.Tensor,
  key: tf.Tensor,
  value: tf.Tensor,
  opts: { additiveMask: tf.Tensor | null; causal: boolean; dropout: number; seed: number | undefined; cache?: KeyValueCache | null },
): { output: tf.Tensor3D; weights: tf.Tensor4D; cache: KeyValueCache } {
  const q = projectHeads(query, w.queryKernel, w.queryBias); // [B, H, T, D]
  let k: tf.Tensor4D = projectHeads(key, w.keyKernel, w.keyBias); // [B, H, S, D]
  let v: tf.Tensor4D = projectHeads(value, w.valueKernel, w.valueBias); // [B, H, S, E]
  if (opts.cache != null) {
    k = tf.concat([opts.cache.key, k], 2); // [B, H, S_cached + S, D]
    v = tf.concat([opts.cache.value, v], 2);
  }
  const { output, weights } = attend(q, k, v, opts.additiveMask, opts.causal, opts.dropout, opts.seed);
  return { output: mergeHeads(output, w.outputKernel, w.outputBias), weights, cache: { key: k, value: v } };
}

/**
 * Throws unless `shape` broadcasts to `target` (numpy rules: align at the end, each size equal or 1).
 * @hidden
 */
export function checkBroadcast(fn: string, field: string, shape: readonly number[], target: readonly number[]): void {
  const ok =
    shape.length <= target.length &&
    shape.every((dim, i) => dim === 1 || dim === target[target.length - shape.length + i]);
  if (!ok) {
    throw new ValueError(`${fn}: invalid \`${field}\` shape: ${formatShape(shape)} does not broadcast to ${formatShape(target)}.`);
  }
}
