/**
 * The observation model of a VAE, validated once for every function that takes
 * one: `elbo`, the VAE builders, and the functions that take a built VAE.
 */
import { invalidField } from './errors.js';
import { checkNonNegativeNumber, checkOneOf, checkPositiveNumber } from './validate.js';
import type { VAELikelihood } from '../losses/elbo.js';

/** A VAE's likelihood, its variance and the KL weight β, checked. @hidden */
export interface LikelihoodOptions {
  likelihood: VAELikelihood;
  /** `σ²` of the Gaussian likelihood; `1` (unused) for Bernoulli. */
  variance: number;
  beta: number;
}

/**
 * Checks `likelihood` (`'bernoulli'` or `'gaussian'`, defaults to
 * `'bernoulli'`), `variance` (positive, only with `'gaussian'`, defaults to
 * `1`) and `beta` (non-negative, defaults to `1`).
 *
 * @param fn - The caller, for messages.
 * @param given - The three fields as the user gave them.
 * @param prefix - Prefixed to the field names in messages (`'vae.'`).
 * @returns The checked values, defaults applied.
 * @hidden
 */
export function resolveLikelihoodOptions(
  fn: string,
  given: { likelihood?: unknown; variance?: unknown; beta?: unknown },
  prefix = '',
): LikelihoodOptions {
  const likelihood = checkOneOf(fn, `${prefix}likelihood`, given.likelihood ?? 'bernoulli', ['bernoulli', 'gaussian'] as const);
  if (likelihood === 'bernoulli' && given.variance !== undefined) {
    throw invalidField(fn, `${prefix}variance`, "no `variance` with likelihood 'bernoulli' (it has none)", given.variance);
  }
  const variance = checkPositiveNumber(fn, `${prefix}variance`, given.variance ?? 1);
  const beta = checkNonNegativeNumber(fn, `${prefix}beta`, given.beta ?? 1);
  return { likelihood, variance, beta };
}
