// Goodfellow et al. 2014, "Generative Adversarial Nets", https://arxiv.org/abs/1406.2661 (eq. 1).
import * as tf from '@tensorflow/tfjs-core';
import { checkLogits } from './_checkLogits.js';
import { stableSoftplus } from './_softplus.js';

/**
 * The saturating (original minimax) generator loss, from logits:
 * `L_G = E[log(1 - σ(D(G(z))))] = -E[softplus(fake)]`, minimised by the generator.
 *
 * Kept as an option for comparison: its gradient vanishes when the
 * discriminator confidently rejects generated samples, so prefer
 * {@link nonSaturatingGeneratorLoss}.
 *
 * @param fakeLogits - Discriminator logits on generated examples, `[B, …]`.
 * @returns The scalar loss (mean over all elements).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { saturatingGeneratorLoss } from 'tfjs-generative';
 * console.log(saturatingGeneratorLoss(tf.tensor2d([[0]])).shape); // [] (value -ln 2)
 * ```
 *
 * @category Losses
 */
export function saturatingGeneratorLoss(fakeLogits: tf.Tensor): tf.Scalar {
  checkLogits('saturatingGeneratorLoss', 'fakeLogits', fakeLogits);
  return tf.tidy(() => tf.neg(tf.mean(stableSoftplus(fakeLogits)))) as tf.Scalar;
}
