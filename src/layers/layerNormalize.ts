/** Layer normalization over the last axis (Ba et al. 2016, https://arxiv.org/abs/1607.06450). */
import * as tf from '@tensorflow/tfjs-core';

/**
 * `(x - mean) / √(var + ε) · γ + β` over the last axis, from ops whose
 * gradients are cheap on every backend.
 * @hidden
 */
export function layerNormalize(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon)));
  return tf.add(tf.mul(normed, gamma), beta);
}
