/**
 * The reduction shared by the VAE losses, which are per example: `[B, …]` → `[B]`.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * Sums a `[B, …]` tensor over every axis but the first: `[B]`.
 * @hidden
 */
export function sumPerExample(t: tf.Tensor): tf.Tensor1D {
  if (t.rank === 1) return t as tf.Tensor1D;
  const axes = Array.from({ length: t.rank - 1 }, (_, i) => i + 1);
  return tf.sum(t, axes) as tf.Tensor1D; // [B]
}
