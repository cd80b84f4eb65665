// Arjovsky, Chintala & Bottou 2017, "Wasserstein GAN", https://arxiv.org/abs/1701.07875.
import * as tf from '@tensorflow/tfjs-core';
import { checkLogitPair } from './_checkLogits.js';

/**
 * The Wasserstein critic loss: `L_D = E[D(G(z))] - E[D(x)]`.
 *
 * The critic must be kept (roughly) 1-Lipschitz, with a gradient penalty
 * (Gulrajani et al. 2017) or weight clipping; this function is the loss
 * term alone.
 *
 * @param realLogits - Critic outputs on real examples, `[B, …]`.
 * @param fakeLogits - Critic outputs on generated examples, `[B', …]`.
 * @returns The scalar loss.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { wassersteinDiscriminatorLoss } from 'tfjs-generative';
 * console.log(wassersteinDiscriminatorLoss(tf.tensor2d([[3]]), tf.tensor2d([[1]])).shape); // [] (value -2)
 * ```
 *
 * @category Losses
 */
export function wassersteinDiscriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  checkLogitPair('wassersteinDiscriminatorLoss', realLogits, fakeLogits);
  return tf.tidy(() => tf.sub(tf.mean(fakeLogits), tf.mean(realLogits))) as tf.Scalar;
}
