// The Gaussian decoder of Kingma & Welling 2013, "Auto-Encoding Variational Bayes",
// https://arxiv.org/abs/1312.6114 (Appendix C.2), with a fixed variance.
//
// Legend: B batch, D features.
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { checkPositiveNumber } from '../_internal/validate.js';
import { checkSameShape } from './_checkSameShape.js';
import { sumPerExample } from './_perExample.js';

/**
 * Options of {@link gaussianNegLogLikelihood}.
 *
 * @category Losses
 */
export interface GaussianNegLogLikelihoodOptions {
  /** Variance `σ²` of every feature (a positive number). Defaults to `1`. */
  variance?: number;
}

const FN = 'gaussianNegLogLikelihood';

/**
 * The negative log-likelihood of `x` under independent Gaussians
 * `N(xHat, σ²)`, per example, in nats:
 * `½ Σ [(x - xHat)² / σ² + log(2π σ²)]`, summed over every axis but the first.
 *
 * With `σ² = 1` this is half the squared error plus `½ D log 2π`: the constant
 * does not change training but is part of the likelihood, so ELBOs computed
 * with it compare with papers.
 *
 * @param xHat - Decoder means `[B, …]`.
 * @param x - Targets, same shape as `xHat`.
 * @param options - The variance; see {@link GaussianNegLogLikelihoodOptions}.
 * @returns Negative log-likelihood per example `[B]`.
 * @throws {@link ValueError} when the shapes differ or the variance is not a positive number.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { gaussianNegLogLikelihood } from 'tfjs-generative';
 * const nll = gaussianNegLogLikelihood(tf.zeros([2, 3]), tf.ones([2, 3]), { variance: 0.5 });
 * console.log(nll.shape); // [2]
 * ```
 *
 * @category Losses
 */
export function gaussianNegLogLikelihood(
  xHat: tf.Tensor,
  x: tf.Tensor,
  options: GaussianNegLogLikelihoodOptions = {},
): tf.Tensor1D {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['variance'], 'options');
  const variance = checkPositiveNumber(FN, 'variance', options.variance ?? 1);
  checkSameShape(FN, 'xHat', xHat, 'x', x);
  const logNorm = Math.log(2 * Math.PI * variance); // log(2πσ²), in float64
  return tf.tidy(() => {
    const perElement = tf.mul(0.5, tf.add(tf.div(tf.squaredDifference(x, xHat), variance), logNorm)); // [B, D]
    return sumPerExample(perElement); // [B]
  });
}
