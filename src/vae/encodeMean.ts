// The posterior mean of a VAE's encoder, the usual "code" of an example:
// Kingma & Welling 2013, https://arxiv.org/abs/1312.6114. Legend: N examples, Z latent size.
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { checkPositiveInt } from '../_internal/validate.js';
import { checkExamples, oneHotLabels, resolveLabels, resolveVAE } from './vaeParts.js';
import type { VAEModels } from './types.js';

/**
 * Options of {@link encodeMean}.
 *
 * @category VAE
 */
export interface EncodeMeanOptions {
  /** Class index of each example `[N]`, for a conditional VAE. */
  labels?: tf.Tensor | readonly number[];
  /** Examples per forward pass. Defaults to `256`. */
  batchSize?: number;
}

const FN = 'encodeMean';

/**
 * Encodes examples to the mean of `q(z|x)`: a deterministic latent code, for
 * plotting the latent space, interpolating between examples
 * (`interpolateLatents`) or reconstructing with {@link decodeLatents}. The
 * encoder runs in inference mode.
 *
 * @param vae - Encoder and decoder; see {@link VAEModels}.
 * @param x - Examples `[N, …]`.
 * @param options - Labels, batch size; see {@link EncodeMeanOptions}.
 * @returns Posterior means `[N, Z]`.
 * @throws {@link ValueError} for a shape that does not fit the encoder, or labels missing or outside `[0, numClasses)`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { buildVAE, encodeMean } from 'tfjs-generative';
 * const model = buildVAE({ inputShape: [28, 28, 1], latentDim: 2, seed: 1 });
 * const z = encodeMean(model, tf.zeros([5, 28, 28, 1]));
 * console.log(z.shape); // [5, 2]
 * ```
 *
 * @category VAE
 */
export function encodeMean(vae: VAEModels, x: tf.Tensor, options: EncodeMeanOptions = {}): tf.Tensor2D {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['labels', 'batchSize'], 'options');
  const parts = resolveVAE(FN, vae);
  const batchSize = checkPositiveInt(FN, 'batchSize', options.batchSize ?? 256);
  checkExamples(FN, 'x', x, parts);
  const labels = resolveLabels(FN, parts, options.labels, x.shape[0]!);
  try {
    return tf.tidy(() => {
      const inputs = labels === null ? x : [x, oneHotLabels(labels, parts.numClasses!)];
      const [mean] = parts.encoder.predict(inputs, { batchSize }) as tf.Tensor[];
      return mean as tf.Tensor2D; // [N, Z]
    });
  } finally {
    labels?.dispose();
  }
}
