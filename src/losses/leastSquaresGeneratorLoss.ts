// Mao et al. 2016, "Least Squares Generative Adversarial Networks", https://arxiv.org/abs/1611.04076.
import * as tf from '@tensorflow/tfjs-core';
import { checkLogits } from './_checkLogits.js';

/**
 * The least-squares (LSGAN) generator loss: `L_G = ½E[(D(G(z)) - 1)²]`.
 *
 * @param fakeLogits - Discriminator outputs on generated examples, `[B, …]`.
 * @returns The scalar loss.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { leastSquaresGeneratorLoss } from 'tfjs-generative';
 * console.log(leastSquaresGeneratorLoss(tf.tensor2d([[0]])).shape); // [] (value 0.5)
 * ```
 *
 * @category Losses
 */
export function leastSquaresGeneratorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  checkLogits('leastSquaresGeneratorLoss', 'fakeLogits', fakeLogits);
  return tf.tidy(() => tf.mul(0.5, tf.mean(tf.square(tf.sub(fakeLogits, 1))))) as tf.Scalar;
}
