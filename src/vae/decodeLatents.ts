// Decoding latents with a VAE's decoder: x ~ p(x|z), Kingma & Welling 2013,
// https://arxiv.org/abs/1312.6114. Legend: N latents, Z latent size.
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { checkOneOf, checkPositiveInt, checkShape, checkTensor } from '../_internal/validate.js';
import { oneHotLabels, resolveLabels, resolveVAE } from './vaeParts.js';
import type { VAEModels } from './types.js';

/**
 * Options of {@link decodeLatents}.
 *
 * @category VAE
 */
export interface DecodeLatentsOptions {
  /** Class index for each latent `[N]`, for a conditional VAE: the class to generate. */
  labels?: tf.Tensor | readonly number[];
  /**
   * `'mean'`: the mean of `p(x|z)`, i.e. `σ(logits)` in [0, 1] for a
   * Bernoulli VAE and the decoder's output for a Gaussian one; `'raw'`: the
   * decoder's output as is (logits for Bernoulli). Defaults to `'mean'`.
   */
  output?: 'mean' | 'raw';
  /** Latents per forward pass. Defaults to `256`. */
  batchSize?: number;
}

const FN = 'decodeLatents';

/**
 * Decodes latents to examples with the VAE's decoder (inference mode). With
 * `z ~ N(0, I)` this samples the model (showing the mean of `p(x|z)`, as VAE
 * papers' figures do); with {@link encodeMean} codes it reconstructs; with
 * `interpolateLatents` (from `tfjs-generative/sampling`) it walks between
 * examples.
 *
 * @param vae - Encoder and decoder; see {@link VAEModels}.
 * @param z - Latents `[N, Z]`.
 * @param options - Labels, output, batch size; see {@link DecodeLatentsOptions}.
 * @returns Examples `[N, …]`: means of `p(x|z)` (probabilities for Bernoulli) or raw outputs.
 * @throws {@link ValueError} when `z` is not `[N, Z]`, or labels are missing or outside `[0, numClasses)`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { buildVAE, decodeLatents } from 'tfjs-generative';
 * const model = buildVAE({ inputShape: [28, 28, 1], latentDim: 2, seed: 1 });
 * const images = decodeLatents(model, tf.randomNormal([16, 2]));
 * console.log(images.shape); // [16, 28, 28, 1]
 * ```
 *
 * @category VAE
 */
export function decodeLatents(vae: VAEModels, z: tf.Tensor, options: DecodeLatentsOptions = {}): tf.Tensor {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['labels', 'output', 'batchSize'], 'options');
  const parts = resolveVAE(FN, vae);
  const output = checkOneOf(FN, 'output', options.output ?? 'mean', ['mean', 'raw'] as const);
  const batchSize = checkPositiveInt(FN, 'batchSize', options.batchSize ?? 256);
  checkTensor(FN, 'z', z);
  checkShape(FN, 'z', z, [null, parts.latentDim]);
  const labels = resolveLabels(FN, parts, options.labels, z.shape[0]!);
  try {
    return tf.tidy(() => {
      const inputs = labels === null ? z : [z, oneHotLabels(labels, parts.numClasses!)];
      const raw = parts.decoder.predict(inputs, { batchSize }) as tf.Tensor; // [N, …]
      return output === 'mean' && parts.likelihood === 'bernoulli' ? tf.sigmoid(raw) : raw;
    });
  } finally {
    labels?.dispose();
  }
}
