// Goodfellow et al. 2014, "Generative Adversarial Nets", https://arxiv.org/abs/1406.2661 (§3).
import * as tf from '@tensorflow/tfjs-core';
import { checkLogits } from './_checkLogits.js';
import { stableSoftplus } from './_softplus.js';

/**
 * The non-saturating generator loss, from logits: `L_G = -E[log σ(D(G(z)))]`
 * `= E[softplus(-fake)]`.
 *
 * Goodfellow et al. recommend it over the minimax form because its gradient is
 * strong early in training, when the discriminator rejects generated samples
 * confidently. It is the default of {@link "tfjs-generative/training"!trainGAN | trainGAN}.
 *
 * @param fakeLogits - Discriminator logits on generated examples, `[B, …]`.
 * @returns The scalar loss (mean over all elements).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { nonSaturatingGeneratorLoss } from 'tfjs-generative';
 * console.log(nonSaturatingGeneratorLoss(tf.tensor2d([[0]])).shape); // [] (value ln 2)
 * ```
 *
 * @category Losses
 */
export function nonSaturatingGeneratorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  checkLogits('nonSaturatingGeneratorLoss', 'fakeLogits', fakeLogits);
  return tf.tidy(() => tf.mean(stableSoftplus(tf.neg(fakeLogits)))) as tf.Scalar;
}
