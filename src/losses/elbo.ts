// The evidence lower bound of Kingma & Welling 2013, "Auto-Encoding Variational Bayes",
// https://arxiv.org/abs/1312.6114 (eq. 10: the KL term in closed form, the
// reconstruction term from one sample z ~ q(z|x)); the β weight of Higgins et al. 2017,
// "β-VAE", https://openreview.net/forum?id=Sy2fzU9gl.
//
// Legend: B batch, Z latent size, D features.
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { ValueError } from '../_internal/errors.js';
import { resolveLikelihoodOptions } from '../_internal/likelihood.js';
import { formatShape } from '../_internal/validate.js';
import { checkSameShape } from './_checkSameShape.js';
import { bernoulliNegLogLikelihood } from './bernoulliNegLogLikelihood.js';
import { gaussianNegLogLikelihood } from './gaussianNegLogLikelihood.js';
import { klDivergence } from './klDivergence.js';

/**
 * The observation model of a VAE's decoder: `'bernoulli'` (outputs are
 * logits; data in [0, 1], ideally binary) or `'gaussian'` (outputs are means;
 * a fixed variance).
 *
 * @category Losses
 */
export type VAELikelihood = 'bernoulli' | 'gaussian';

/**
 * Options of {@link elbo}.
 *
 * @category Losses
 */
export interface ElboOptions {
  /** How to read `reconstruction`: Bernoulli logits or Gaussian means. Defaults to `'bernoulli'`. */
  likelihood?: VAELikelihood;
  /** Variance `σ²` of the Gaussian likelihood; only with `likelihood: 'gaussian'`. Defaults to `1`. */
  variance?: number;
  /**
   * Weight of the KL term (β-VAE). With β ≠ 1 the result is the β-VAE
   * objective, not a bound on log p(x). Defaults to `1`.
   */
  beta?: number;
}

const FN = 'elbo';

/**
 * The evidence lower bound per example, in nats:
 * `ELBO = -(NLL(x | reconstruction) + β · KL(N(mean, exp(logVar)) ‖ N(0, I)))`,
 * with `β = 1` by default (the bound on `log p(x)` that papers report).
 *
 * `reconstruction` is the decoder's output for one sample `z ~ q(z|x)`, so
 * the result is the usual single-sample estimate; its negative mean is the VAE
 * training loss. The NLL is {@link bernoulliNegLogLikelihood} or
 * {@link gaussianNegLogLikelihood}, the KL {@link klDivergence}.
 *
 * @param reconstruction - Decoder output `[B, …]`: logits (Bernoulli) or means (Gaussian).
 * @param x - The data, same shape as `reconstruction`.
 * @param mean - Posterior means `[B, Z]`.
 * @param logVar - Posterior log-variances `[B, Z]`.
 * @param options - Likelihood, variance, β; see {@link ElboOptions}.
 * @returns ELBO per example `[B]` (≤ 0 for the Bernoulli likelihood on binary data).
 * @throws {@link ValueError} for mismatched shapes or invalid options.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { elbo } from 'tfjs-generative';
 * const bound = elbo(tf.zeros([2, 784]), tf.ones([2, 784]), tf.zeros([2, 8]), tf.zeros([2, 8]));
 * console.log(bound.shape); // [2] (each -784·ln 2 ≈ -543.4)
 * ```
 *
 * @category Losses
 */
export function elbo(
  reconstruction: tf.Tensor,
  x: tf.Tensor,
  mean: tf.Tensor,
  logVar: tf.Tensor,
  options: ElboOptions = {},
): tf.Tensor1D {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['likelihood', 'variance', 'beta'], 'options');
  const { likelihood, variance, beta } = resolveLikelihoodOptions(FN, options);
  checkSameShape(FN, 'reconstruction', reconstruction, 'x', x);
  checkSameShape(FN, 'mean', mean, 'logVar', logVar);
  if (x.shape[0] !== mean.shape[0]) {
    throw new ValueError(
      `${FN}: x and mean must have the same batch size: received ${formatShape(x.shape)} and ${formatShape(mean.shape)}.`,
    );
  }
  return tf.tidy(() => {
    const nll =
      likelihood === 'bernoulli'
        ? bernoulliNegLogLikelihood(reconstruction, x)
        : gaussianNegLogLikelihood(reconstruction, x, { variance }); // [B]
    const kl = klDivergence(mean, logVar); // [B]
    return tf.neg(tf.add(nll, tf.mul(kl, beta))) as tf.Tensor1D; // [B]
  });
}
