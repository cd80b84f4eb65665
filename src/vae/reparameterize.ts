// The reparameterization trick: Kingma & Welling 2013, "Auto-Encoding Variational
// Bayes", https://arxiv.org/abs/1312.6114 (§2.4): z = μ + σ ⊙ ε, ε ~ N(0, I).
//
// Legend: B batch, Z latent size.
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { checkOptionalSeed } from '../_internal/validate.js';
import { checkMeanLogVar } from './_checkMeanLogVar.js';

/**
 * Options of {@link reparameterize}.
 *
 * @category VAE
 */
export interface ReparameterizeOptions {
  /** Seed of the noise `ε`: the same seed gives the same `z`. Defaults to unseeded. */
  seed?: number;
}

const FN = 'reparameterize';

/**
 * Draws `z ~ N(mean, exp(logVar))` as `z = mean + exp(½ logVar) ⊙ ε` with
 * `ε ~ N(0, I)`, so that `z` is a differentiable function of `mean` and
 * `logVar`: gradients of anything computed from `z` flow to both (and on to
 * the encoder), while the noise is a constant.
 *
 * `exp(½ logVar)` is the standard deviation σ; writing it from the
 * log-variance keeps σ positive whatever the encoder outputs.
 *
 * @param mean - Means `[B, Z]` (any shape).
 * @param logVar - Log-variances `log σ²`, same shape as `mean`.
 * @param options - Seed; see {@link ReparameterizeOptions}.
 * @returns A sample `z`, the shape of `mean`.
 * @throws {@link ValueError} when the shapes differ.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { reparameterize } from 'tfjs-generative';
 * const z = reparameterize(tf.zeros([4, 2]), tf.zeros([4, 2]), { seed: 1 });
 * console.log(z.shape); // [4, 2]
 * ```
 *
 * @category VAE
 */
export function reparameterize(mean: tf.Tensor, logVar: tf.Tensor, options: ReparameterizeOptions = {}): tf.Tensor {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['seed'], 'options');
  const seed = checkOptionalSeed(FN, 'seed', options.seed);
  checkMeanLogVar(FN, mean, logVar);
  return tf.tidy(() => {
    const epsilon = tf.randomNormal(mean.shape, 0, 1, 'float32', seed); // [B, Z]
    return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), epsilon)); // [B, Z]
  });
}

