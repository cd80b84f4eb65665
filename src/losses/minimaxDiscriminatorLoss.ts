// Goodfellow et al. 2014, "Generative Adversarial Nets", https://arxiv.org/abs/1406.2661.
import * as tf from '@tensorflow/tfjs-core';
import { checkLogitPair } from './_checkLogits.js';
import { stableSoftplus } from './_softplus.js';

/**
 * The discriminator loss of the original (minimax) GAN, from logits:
 * `L_D = -E[log σ(D(x))] - E[log(1 - σ(D(G(z))))]`.
 *
 * From logits `d`, `log σ(d) = -softplus(-d)` and `log(1 - σ(d)) = -softplus(d)`,
 * so `L_D = E[softplus(-real)] + E[softplus(fake)]`, computed with a softplus
 * that never overflows. It equals binary cross-entropy with targets 1 for real
 * and 0 for fake, summed over the two means.
 *
 * @param realLogits - Discriminator logits on real examples, `[B, …]`.
 * @param fakeLogits - Discriminator logits on generated examples, `[B', …]` (same shape but for the batch).
 * @returns The scalar loss (means over all elements of each input).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { minimaxDiscriminatorLoss } from 'tfjs-generative';
 * const loss = minimaxDiscriminatorLoss(tf.tensor2d([[0], [0]]), tf.tensor2d([[0], [0]]));
 * console.log(loss.shape); // [] (value 2·ln 2 ≈ 1.386)
 * ```
 *
 * @category Losses
 */
export function minimaxDiscriminatorLoss(realLogits: tf.Tensor, fakeLogits: tf.Tensor): tf.Scalar {
  checkLogitPair('minimaxDiscriminatorLoss', realLogits, fakeLogits);
  return tf.tidy(() =>
    tf.add(tf.mean(stableSoftplus(tf.neg(realLogits))), tf.mean(stableSoftplus(fakeLogits))),
  ) as tf.Scalar;
}
