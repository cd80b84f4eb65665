// The Bernoulli decoder of Kingma & Welling 2013, "Auto-Encoding Variational Bayes",
// https://arxiv.org/abs/1312.6114 (Appendix C.1), from logits.
//
// Legend: B batch, D features (pixels).
import * as tf from '@tensorflow/tfjs-core';
import { ensureComparisonGradients } from '../_internal/comparisonGradients.js';
import { checkSameShape } from './_checkSameShape.js';
import { sumPerExample } from './_perExample.js';
import { stableSoftplus } from './_softplus.js';

/**
 * The negative log-likelihood of `x` under independent Bernoulli
 * distributions with the given logits, per example, in nats:
 * `-Σ [x log σ(l) + (1 - x) log(1 - σ(l))]`, summed over every axis but the
 * first. This is binary cross-entropy from logits, summed (not averaged) over
 * features, as the ELBO needs.
 *
 * Stable form: with `log σ(l) = -softplus(-l)` and `log(1 - σ(l)) = -softplus(l)`,
 * and `softplus(-l) = softplus(l) - l`, the sum is `Σ softplus(l) - x·l`. The
 * softplus never overflows (see `_softplus.ts`), so logits of ±100 give exact
 * values and gradients `σ(l) - x`.
 *
 * `x` is normally binary (0 or 1). For gray values in [0, 1] the same formula
 * is the cross-entropy, which is not a normalized likelihood: compare numbers
 * with papers only on binarized data.
 *
 * @param logits - Decoder outputs before the sigmoid, `[B, …]`.
 * @param x - Targets in [0, 1], same shape as `logits`.
 * @returns Negative log-likelihood per example `[B]`; NaN for an example with a
 *   target outside [0, 1] (data not scaled to [0, 1], or NaN).
 * @throws {@link ValueError} when the shapes differ.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { bernoulliNegLogLikelihood } from 'tfjs-generative';
 * const nll = bernoulliNegLogLikelihood(tf.zeros([2, 784]), tf.ones([2, 784]));
 * console.log(nll.shape); // [2] (each 784·ln 2 ≈ 543.4)
 * ```
 *
 * @category Losses
 */
export function bernoulliNegLogLikelihood(logits: tf.Tensor, x: tf.Tensor): tf.Tensor1D {
  checkSameShape('bernoulliNegLogLikelihood', 'logits', logits, 'x', x);
  return tf.tidy(() => {
    const terms = tf.sub(stableSoftplus(logits), tf.mul(x, logits)); // [B, …]
    // Outside [0, 1] the formula is no likelihood and has no minimum (it fell to
    // -5.3 million on unscaled pixels): such a target makes its example's value
    // NaN, which the training loops' guard reports, with no data read here.
    // A gradient in x passes through the comparisons (zero gradients, registered on first need).
    ensureComparisonGradients();
    const nan = tf.fill(terms.shape, NaN);
    return sumPerExample(tf.where(tf.less(x, 0), nan, tf.where(tf.greater(x, 1), nan, terms))); // [B]
  });
}
