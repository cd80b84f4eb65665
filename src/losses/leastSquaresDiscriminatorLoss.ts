// Mao et al. 2016, "Least Squares Generative Adversarial Networks", https://arxiv.org/abs/1611.04076.
import * as tf from '@tensorflow/tfjs-core';
import { checkLogitPair } from './_checkLogits.js';

/**
 * The least-squares (LSGAN) discriminator loss, with targets 1 for real and 0
 * for fake: `L_D = ½E[(D(x) - 1)²] + ½E[D(G(z))²]`.
 *
 * @param realLogits - Discriminator outputs on real examples, `[B, …]`.
 * @param fakeLogits - Discriminator outputs on generated examples, `[B', …]`.
 * @returns The scalar loss.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { leastSquaresDiscriminatorLoss } from 'tfjs-generative';
 * console.log(leastSquaresDiscriminatorLoss(tf.tensor2d([[1]]), tf.tensor2d([[0]])).shape); // [] (value 0)
 * ```
 *
 * @category Losses
 */
export function leastSquaresDiscriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  checkLogitPair('leastSquaresDiscriminatorLoss', realLogits, fakeLogits);
  return tf.tidy(() =>
    tf.mul(0.5, tf.add(tf.mean(tf.square(tf.sub(realLogits, 1))), tf.mean(tf.square(fakeLogits)))),
  ) as tf.Scalar;
}
