// Zhu et al. 2017, "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
// Networks", https://arxiv.org/abs/1703.10593, eq. 2: L_cyc = E[‖F(G(x)) − x‖₁] (+ the same for y).
import * as tf from '@tensorflow/tfjs-core';
import { checkSameShape } from './_checkSameShape.js';

/**
 * CycleGAN's cycle-consistency loss (Zhu et al. 2017, eq. 2): the mean
 * absolute difference between images and their reconstructions after a round
 * trip through both generators, `mean |x − F(G(x))|`, over every element.
 *
 * The paper's `‖·‖₁` is summed per image; like the authors' code
 * (`nn.L1Loss`), this is its mean over pixels and batch, so the weight λ = 10
 * does not depend on the image size. {@link "tfjs-generative/training"!trainCycleGAN | trainCycleGAN} multiplies it by
 * `cycleWeight`.
 *
 * @param real - Images `[B, …]`.
 * @param reconstructed - Their reconstructions, the same shape as `real`.
 * @returns The scalar mean L1 error.
 * @throws {@link ValueError} when the shapes differ (both are printed).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { cycleConsistencyLoss } from 'tfjs-generative';
 * const loss = cycleConsistencyLoss(tf.zeros([2, 4, 4, 1]), tf.fill([2, 4, 4, 1], 0.5));
 * console.log(loss.shape, loss.dataSync()[0]); // [] 0.5
 * ```
 *
 * @category Losses
 */
export function cycleConsistencyLoss(real: tf.Tensor, reconstructed: tf.Tensor): tf.Scalar {
  checkSameShape('cycleConsistencyLoss', 'real', real, 'reconstructed', reconstructed);
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(real, reconstructed)))) as tf.Scalar;
}
