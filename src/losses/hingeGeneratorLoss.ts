// Lim & Ye 2017, "Geometric GAN", https://arxiv.org/abs/1705.02894.
import * as tf from '@tensorflow/tfjs-core';
import { checkLogits } from './_checkLogits.js';

/**
 * The hinge generator loss: `L_G = -E[D(G(z))]`.
 *
 * @param fakeLogits - Discriminator outputs on generated examples, `[B, …]`.
 * @returns The scalar loss.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { hingeGeneratorLoss } from 'tfjs-generative';
 * console.log(hingeGeneratorLoss(tf.tensor2d([[2]])).shape); // [] (value -2)
 * ```
 *
 * @category Losses
 */
export function hingeGeneratorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  checkLogits('hingeGeneratorLoss', 'fakeLogits', fakeLogits);
  return tf.tidy(() => tf.neg(tf.mean(fakeLogits))) as tf.Scalar;
}
