// Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN", https://arxiv.org/abs/1701.07875.
import * as tf from '@tensorflow/tfjs-core';
import { checkLogits } from './_checkLogits.js';

/**
 * The Wasserstein generator loss: `L_G = -E[D(G(z))]`.
 *
 * @param fakeLogits - Critic outputs on generated examples, `[B, …]`.
 * @returns The scalar loss.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { wassersteinGeneratorLoss } from 'tfjs-generative';
 * console.log(wassersteinGeneratorLoss(tf.tensor2d([[1]])).shape); // [] (value -1)
 * ```
 *
 * @category Losses
 */
export function wassersteinGeneratorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  checkLogits('wassersteinGeneratorLoss', 'fakeLogits', fakeLogits);
  return tf.tidy(() => tf.neg(tf.mean(fakeLogits))) as tf.Scalar;
}
