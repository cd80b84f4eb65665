// The importance-weighted bound of Burda, Grosse & Salakhutdinov 2015, "Importance
// Weighted Autoencoders", https://arxiv.org/abs/1509.00519 (eq. 8):
// log p(x) ≥ E[log (1/k) Σ_i p(x, z_i) / q(z_i|x)], z_i ~ q(z|x), tightening as k grows.
//
// Legend: N examples, B examples per pass, k samples, Z latent size.
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { weightSeed } from '../_internal/initializers.js';
import { seedSource } from '../_internal/random.js';
import { checkOptionalSeed, checkPositiveInt } from '../_internal/validate.js';
import { checkExamples, decode, encode, negLogLikelihood, oneHotLabels, resolveLabels, resolveVAE } from './vaeParts.js';
import type { VAEModels } from './types.js';

/**
 * Options of {@link importanceWeightedBound}.
 *
 * @category VAE
 */
export interface ImportanceWeightedBoundOptions {
  /** Importance samples `k` per example (Burda et al. evaluate with 5,000). Defaults to `100`. */
  samples?: number;
  /** Most decoder rows (examples × samples) per forward pass, to bound memory. Defaults to `2048`. */
  batchSize?: number;
  /** Class index of each example `[N]`, for a conditional VAE. */
  labels?: tf.Tensor | readonly number[];
  /** Seed of the draws: the same seed gives the same estimate, whatever `batchSize`. Defaults to unseeded. */
  seed?: number;
}

const FN = 'importanceWeightedBound';
const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Estimates `log p(x)` per example with the importance-weighted bound of
 * Burda et al. (2015):
 * `log p(x) ≈ logsumexp_i [log p(x|z_i) + log p(z_i) - log q(z_i|x)] - log k`,
 * with `z_i ~ q(z|x)` for `i = 1…k`. In expectation it is a lower bound on
 * `log p(x)` that rises with `k` towards `log p(x)`; `k = 1` is the ELBO (with
 * a sampled KL). Papers report its mean over the test set, with k = 5,000,
 * as the model's test log-likelihood (its negative, the NLL, in nats).
 *
 * Terms: `log p(z) = -½ Σ (z² + log 2π)` (the N(0, I) prior),
 * `log q(z|x) = -½ Σ (ε² + logVar + log 2π)` with `z = mean + exp(½ logVar) ε`,
 * `log p(x|z)` the negative of the VAE's reconstruction NLL. The log-sum-exp
 * subtracts the maximum over samples before exponentiating.
 *
 * Memory is bounded by `batchSize` decoder rows per pass; each example's
 * noise comes from its own seeded stream, so the result does not depend on
 * `batchSize`. The encoder and decoder run in inference mode.
 *
 * @param vae - Encoder and decoder; see {@link VAEModels}.
 * @param x - Examples `[N, …]` (for a Bernoulli VAE, in [0, 1], ideally binary).
 * @param options - Samples, memory bound, labels, seed; see {@link ImportanceWeightedBoundOptions}.
 * @returns The estimate of `log p(x)` per example `[N]`, in nats (take its mean for a data set).
 * @throws {@link ValueError} for invalid options, a shape that does not fit the
 *   encoder, or labels missing or outside `[0, numClasses)`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { buildVAE, importanceWeightedBound } from 'tfjs-generative';
 * const model = buildVAE({ inputShape: [16], latentDim: 2, hiddenUnits: [8], seed: 1 });
 * const logPx = importanceWeightedBound(model, tf.ones([3, 16]), { samples: 50, seed: 1 });
 * console.log(logPx.shape); // [3]
 * ```
 *
 * @category VAE
 */
export function importanceWeightedBound(
  vae: VAEModels,
  x: tf.Tensor,
  options: ImportanceWeightedBoundOptions = {},
): tf.Tensor1D {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['samples', 'batchSize', 'labels', 'seed'], 'options');
  const parts = resolveVAE(FN, vae);
  const k = checkPositiveInt(FN, 'samples', options.samples ?? 100);
  const maxRows = checkPositiveInt(FN, 'batchSize', options.batchSize ?? 2048);
  const seed = checkOptionalSeed(FN, 'seed', options.seed);
  checkExamples(FN, 'x', x, parts);
  const n = x.shape[0]!;
  const labels = resolveLabels(FN, parts, options.labels, n);
  const baseSeed = seedSource(seed).nextSeed();
  const { latentDim: zDim, numClasses } = parts;

  // Examples per pass and samples per pass: B·c ≤ maxRows rows through the decoder.
  const perPass = Math.max(1, Math.floor(maxRows / k)); // B
  const chunk = Math.min(k, maxRows); // c samples per pass (k when B > 1)
  const results: tf.Tensor1D[] = [];
  try {
    for (let start = 0; start < n; start += perPass) {
      const b = Math.min(perPass, n - start);
      results.push(
        tf.tidy(() => {
          const xb = tf.slice(x, start, b); // [B, …]
          const oneHot = labels === null || numClasses === null ? null : oneHotLabels(tf.slice(labels, start, b), numClasses); // [B, K]
          const [mean, logVar] = encode(parts, xb, oneHot, false); // [B, Z] each
          // Each example's noise from its own seed: [B, k, Z], independent of the batching.
          const eps = tf.stack(
            Array.from({ length: b }, (_, i) => tf.randomNormal([k, zDim], 0, 1, 'float32', weightSeed(baseSeed, start + i))),
          ); // [B, k, Z]
          const logWeights: tf.Tensor[] = [];
          const std = tf.exp(tf.mul(logVar, 0.5)); // [B, Z]
          const logVarSum = tf.expandDims(tf.sum(logVar, -1), 1); // [B, 1]
          for (let s = 0; s < k; s += chunk) {
            const c = Math.min(chunk, k - s);
            // Each chunk in its own tidy: memory stays at B·c decoder rows however large k is.
            logWeights.push(tf.tidy(() => {
            const e = tf.slice(eps, [0, s, 0], [b, c, zDim]); // [B, c, Z]
            const z = tf.add(tf.expandDims(mean, 1), tf.mul(tf.expandDims(std, 1), e)); // [B, c, Z]
            const zFlat = tf.reshape(z, [b * c, zDim]); // [B·c, Z]
            const xRep = tf.reshape(tf.tile(tf.expandDims(xb, 1), [1, c, ...xb.shape.slice(1).map(() => 1)]), [b * c, ...xb.shape.slice(1)]); // [B·c, …]
            const hotRep = oneHot === null ? null : tf.reshape(tf.tile(tf.expandDims(oneHot, 1), [1, c, 1]), [b * c, numClasses!]); // [B·c, K]
            const logPxz = tf.reshape(tf.neg(negLogLikelihood(parts, decode(parts, zFlat, hotRep, false), xRep)), [b, c]); // [B, c]
            const logPz = tf.mul(-0.5, tf.add(tf.sum(tf.square(z), -1), zDim * LOG_2PI)); // [B, c]
            const logQz = tf.mul(-0.5, tf.add(tf.add(tf.sum(tf.square(e), -1), logVarSum), zDim * LOG_2PI)); // [B, c]
            return tf.sub(tf.add(logPxz, logPz), logQz); // [B, c]
            }));
          }
          const all = logWeights.length === 1 ? logWeights[0]! : tf.concat(logWeights, 1); // [B, k]
          // logsumexp subtracts the row max before exp, so no weight overflows.
          return tf.sub(tf.logSumExp(all, 1), Math.log(k)) as tf.Tensor1D; // [B]
        }),
      );
    }
    return tf.tidy(() => (results.length === 1 ? tf.clone(results[0]!) : tf.concat(results))) as tf.Tensor1D; // [N]
  } finally {
    tf.dispose(results);
    labels?.dispose();
  }
}
