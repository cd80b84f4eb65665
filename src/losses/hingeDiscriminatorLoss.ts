// Lim & Ye 2017, "Geometric GAN", https://arxiv.org/abs/1705.02894; used with spectral
// normalization by Miyato et al. 2018, https://arxiv.org/abs/1802.05957.
import * as tf from '@tensorflow/tfjs-core';
import { checkLogitPair } from './_checkLogits.js';

/**
 * The hinge discriminator loss: `L_D = E[relu(1 - D(x))] + E[relu(1 + D(G(z)))]`.
 *
 * @param realLogits - Discriminator outputs on real examples, `[B, …]`.
 * @param fakeLogits - Discriminator outputs on generated examples, `[B', …]`.
 * @returns The scalar loss.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { hingeDiscriminatorLoss } from 'tfjs-generative';
 * console.log(hingeDiscriminatorLoss(tf.tensor2d([[0]]), tf.tensor2d([[0]])).shape); // [] (value 2)
 * ```
 *
 * @category Losses
 */
export function hingeDiscriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  checkLogitPair('hingeDiscriminatorLoss', realLogits, fakeLogits);
  return tf.tidy(() =>
    tf.add(tf.mean(tf.relu(tf.sub(1, realLogits))), tf.mean(tf.relu(tf.add(1, fakeLogits)))),
  ) as tf.Scalar;
}
