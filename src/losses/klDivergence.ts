// Kingma & Welling 2013, "Auto-Encoding Variational Bayes", https://arxiv.org/abs/1312.6114
// (Appendix B: the KL term of the ELBO in closed form for Gaussians).
//
// Legend: B batch, Z latent size.
import * as tf from '@tensorflow/tfjs-core';
import { checkSameShape } from './_checkSameShape.js';
import { sumPerExample } from './_perExample.js';

/**
 * The KL divergence of a diagonal Gaussian `q = N(mean, exp(logVar))` from the
 * standard normal prior `N(0, I)`, per example, in nats:
 * `KL(q ‖ p) = -½ Σ (1 + logVar - mean² - exp(logVar))`, summed over every
 * axis but the first.
 *
 * The closed form (Kingma & Welling 2013, Appendix B) needs no sampling. It
 * is written in `logVar`, so the variance `exp(logVar)` is positive by
 * construction and no `log` of a variance is taken; each term is ≥ 0
 * (`exp(v) ≥ 1 + v`), so the sum never cancels.
 *
 * @param mean - Posterior means `[B, Z]` (or `[B, …]`).
 * @param logVar - Posterior log-variances `log σ²`, same shape as `mean`.
 * @returns KL per example `[B]`, ≥ 0.
 * @throws {@link ValueError} when the shapes differ.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { klDivergence } from 'tfjs-generative';
 * const kl = klDivergence(tf.tensor2d([[0, 0], [1, 0]]), tf.zeros([2, 2]));
 * console.log(kl.shape); // [2] (values 0 and 0.5)
 * ```
 *
 * @category Losses
 */
export function klDivergence(mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor1D {
  checkSameShape('klDivergence', 'mean', mean, 'logVar', logVar);
  return tf.tidy(() => {
    // ½ (exp(v) - 1 - v + μ²) per element: the same as -½(1 + v - μ² - exp(v)).
    const perElement = tf.mul(0.5, tf.add(tf.sub(tf.sub(tf.exp(logVar), 1), logVar), tf.square(mean))); // [B, Z]
    return sumPerExample(perElement); // [B]
  });
}
