// Zhu et al. 2017, "Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial
// Networks", https://arxiv.org/abs/1703.10593, §5.2 (after Taigman et al. 2017,
// https://arxiv.org/abs/1611.02200): L_identity = E[‖G(y) − y‖₁] + E[‖F(x) − x‖₁].
import * as tf from '@tensorflow/tfjs-core';
import { checkSameShape } from './_checkSameShape.js';

/**
 * CycleGAN's identity-mapping loss (Zhu et al. 2017, §5.2): a generator fed
 * an image that is already of its target domain should return it unchanged,
 * `mean |y − G(y)|` over every element. It keeps colours (tints) from drifting.
 *
 * Like {@link cycleConsistencyLoss}, a mean over pixels and batch (the
 * authors' `nn.L1Loss`). {@link "tfjs-generative/training"!trainCycleGAN | trainCycleGAN} multiplies it by
 * `identityWeight` (by default half the cycle weight, as in the paper).
 *
 * @param real - Images of the generator's target domain, `[B, …]`.
 * @param mapped - The generator's output on them, the same shape as `real`.
 * @returns The scalar mean L1 error.
 * @throws {@link ValueError} when the shapes differ (both are printed).
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { identityLoss } from 'tfjs-generative';
 * const loss = identityLoss(tf.ones([2, 4, 4, 3]), tf.fill([2, 4, 4, 3], 0.75));
 * console.log(loss.shape, loss.dataSync()[0]); // [] 0.25
 * ```
 *
 * @category Losses
 */
export function identityLoss(real: tf.Tensor, mapped: tf.Tensor): tf.Scalar {
  checkSameShape('identityLoss', 'real', real, 'mapped', mapped);
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(real, mapped)))) as tf.Scalar;
}
