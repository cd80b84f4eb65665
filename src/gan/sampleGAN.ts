// Sampling a trained GAN generator: x = G(z), z ~ N(0, I) (Goodfellow et al. 2014,
// https://arxiv.org/abs/1406.2661). Legend: N count, Z latent size.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField, ValueError } from '../_internal/errors.js';
import { withKernelHint } from '../_internal/kernelHint.js';
import { classCountOf, latentDimOf, randomLatents } from '../_internal/latents.js';
import { checkNonNegativeInt, checkPositiveInt, checkShape } from '../_internal/validate.js';

/**
 * Options of {@link sampleGAN}.
 *
 * @category GAN
 */
export interface SampleGANOptions {
  /** Seed of the latent draw: the same seed gives the same samples. Defaults to unseeded. */
  seed?: number;
  /** Latents `[N, Z]` to decode instead of drawing them (for example from {@link "tfjs-generative/sampling"!interpolateLatents | interpolateLatents}); `count` must equal N. */
  latents?: tf.Tensor2D;
  /** Examples per forward pass, to bound memory. Defaults to `64`. */
  batchSize?: number;
  /**
   * The class of each sample, for a conditional generator (`buildDCGAN({ numClasses })`); required there.
   * An array (or `Int32Array`) of N class ids is checked with no read from the backend; a tensor `[N]` is
   * read once to check its ids, which on webgl/webgpu is a synchronous read (a stall): prefer an array there.
   */
  labels?: tf.Tensor | readonly number[] | Int32Array;
}

const FN = 'sampleGAN';

/**
 * Draws `count` samples from a generator: `G(z)` with `z ~ N(0, I)`, the
 * generator in inference mode (batch norm uses its moving statistics).
 *
 * @param generator - A model from latents `[N, Z]` to examples, such as the one of {@link buildDCGAN}.
 * @param count - Number of samples `N`.
 * @param options - Seed, given latents, batch size; see {@link SampleGANOptions}.
 * @returns Samples `[N, …]` (for DCGAN `[N, S, S, C]` in [-1, 1]); the caller disposes them.
 *
 * @example
 * ```ts
 * import { buildDCGAN, sampleGAN } from 'tfjs-generative';
 * const { generator } = buildDCGAN({ imageSize: 28, channels: 1, seed: 1 });
 * const images = sampleGAN(generator, 16, { seed: 42 });
 * console.log(images.shape); // [16, 28, 28, 1]
 * ```
 *
 * @category GAN
 */
export function sampleGAN(generator: tfl.LayersModel, count: number, options: SampleGANOptions = {}): tf.Tensor {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['seed', 'latents', 'batchSize', 'labels'], 'options');
  checkPositiveInt(FN, 'count', count);
  const latentDim = latentDimOf(FN, generator);
  const batchSize = checkPositiveInt(FN, 'batchSize', options.batchSize ?? 64);
  const seed = options.seed === undefined ? undefined : checkNonNegativeInt(FN, 'seed', options.seed);
  if (options.latents !== undefined) {
    checkShape(FN, 'latents', options.latents, [null, latentDim]);
    if (options.latents.shape[0] !== count) {
      throw new ValueError(`${FN}: \`count\` (${count}) must equal the number of \`latents\` (${options.latents.shape[0]}).`);
    }
  }
  const classes = classCountOf(FN, generator);
  const { labels } = options;
  if (classes === null && labels !== undefined) throw new ValueError(`${FN}: \`labels\` were given, but the generator is not conditional.`);
  if (classes !== null) {
    const isArray = Array.isArray(labels) || labels instanceof Int32Array;
    if (!(labels instanceof tf.Tensor) && !isArray) throw new ValueError(`${FN}: the generator is conditional (${classes} classes); pass \`labels\`, one class per sample (an array or a tensor).`);
    const size = labels instanceof tf.Tensor ? labels.size : (labels as ArrayLike<number>).length;
    if (size !== count) throw new ValueError(`${FN}: \`labels\` has ${size} classes for ${count} samples.`);
    // An array is checked as it is; a tensor must be read (a synchronous read on a GPU backend: see SampleGANOptions.labels).
    const values: ArrayLike<number> = labels instanceof tf.Tensor ? labels.dataSync() : (labels as ArrayLike<number>);
    const bad = Array.prototype.findIndex.call(values, (c: number) => !Number.isInteger(c) || c < 0 || c >= classes);
    if (bad >= 0) throw invalidField(FN, 'labels', `class ids that are integers in [0, ${classes})`, `${values[bad]} at index ${bad}`);
  }
  try {
    return tf.tidy(() => {
      const z = options.latents ?? randomLatents(count, latentDim, seed); // [N, Z]
      const ids = labels === undefined ? undefined : labels instanceof tf.Tensor ? tf.cast(labels, 'int32') : tf.tensor1d(Array.from(labels), 'int32');
      const inputs = ids === undefined ? z : [z, tf.reshape(ids, [count, 1])];
      return generator.predict(inputs, { batchSize }) as tf.Tensor; // [N, …]
    });
  } catch (error) {
    throw withKernelHint(error);
  }
}
