/**
 * Numerically stable softplus.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * softplus(x) = log(1 + eˣ), computed as `max(x, 0) + log1p(e^(-|x|))`: the
 * exponent is never positive, so nothing overflows for large |x|, and for
 * x → -∞ the result tends to e^x instead of rounding to log(1) = 0 too early.
 * @hidden
 */
export function stableSoftplus(x: tf.Tensor): tf.Tensor {
  return tf.add(tf.relu(x), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
}
