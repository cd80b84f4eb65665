// The learned-manifold figure of Kingma & Welling 2013, "Auto-Encoding Variational
// Bayes", https://arxiv.org/abs/1312.6114 (Fig. 4): a 2-D latent space decoded on a
// grid whose coordinates are Gaussian quantiles of evenly spaced probabilities.
//
// Legend: G grid size, Z latent size.
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys, optional } from '../_internal/config.js';
import { invalidField, ValueError } from '../_internal/errors.js';
import { checkOneOf, checkPositiveInt, checkPositiveNumber } from '../_internal/validate.js';
import { decodeLatents } from './decodeLatents.js';
import { normalQuantile } from './_normalQuantile.js';
import { resolveVAE } from './vaeParts.js';
import type { VAEModels } from './types.js';

/**
 * Options of {@link latentGrid}.
 *
 * @category VAE
 */
export interface LatentGridOptions {
  /** Points per side `G`: the grid has G × G cells. Defaults to `15`. */
  size?: number;
  /**
   * `'quantile'`: coordinates `Φ⁻¹((i + ½) / G)`, evenly spaced in
   * probability under the N(0, 1) prior (Kingma & Welling, Fig. 4);
   * `'linear'`: evenly spaced in `[-range, range]`. Defaults to `'quantile'`.
   */
  spacing?: 'quantile' | 'linear';
  /** Half-width of the `'linear'` grid. Defaults to `3`. */
  range?: number;
  /** The two latent dimensions to vary (the others stay 0). Defaults to `[0, 1]`. */
  dims?: [number, number];
  /** Class to generate, for a conditional VAE (every cell gets it). */
  label?: number;
  /** `'mean'` (probabilities for Bernoulli) or `'raw'` decoder outputs; see {@link decodeLatents}. Defaults to `'mean'`. */
  output?: 'mean' | 'raw';
}

const FN = 'latentGrid';

/**
 * Decodes a G × G grid over two latent dimensions: the picture of a 2-D
 * latent space ("learned manifold") of Kingma & Welling 2013, Fig. 4. Cell
 * `(row, column)` is the decoding of `z` with `z[dims[0]]` the column's
 * coordinate (increasing left to right) and `z[dims[1]]` the row's
 * (increasing top to bottom); other dimensions are 0, the prior's mean.
 *
 * Pass the result to `imageGrid(images, { columns: size })` to draw it.
 *
 * @param vae - Encoder and decoder, latent size ≥ 2; see {@link VAEModels}.
 * @param options - Grid size, spacing, dimensions, label; see {@link LatentGridOptions}.
 * @returns Decoded examples `[G·G, …]` in row-major order.
 * @throws {@link ValueError} for a latent size below 2, invalid dims, or a missing or invalid label.
 *
 * @example
 * ```ts
 * import { buildVAE, latentGrid } from 'tfjs-generative';
 * const model = buildVAE({ inputShape: [28, 28, 1], latentDim: 2, seed: 1 });
 * const images = latentGrid(model, { size: 10 });
 * console.log(images.shape); // [100, 28, 28, 1]
 * ```
 *
 * @category VAE
 */
export function latentGrid(vae: VAEModels, options: LatentGridOptions = {}): tf.Tensor {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['size', 'spacing', 'range', 'dims', 'label', 'output'], 'options');
  const parts = resolveVAE(FN, vae);
  const size = checkPositiveInt(FN, 'size', options.size ?? 15);
  const spacing = checkOneOf(FN, 'spacing', options.spacing ?? 'quantile', ['quantile', 'linear'] as const);
  const range = checkPositiveNumber(FN, 'range', options.range ?? 3);
  const zDim = parts.latentDim;
  if (zDim < 2) {
    throw new ValueError(`${FN}: the VAE's latent size is ${zDim}: a grid needs at least 2 latent dimensions.`);
  }
  const dims = options.dims ?? [0, 1];
  if (
    !Array.isArray(dims) ||
    dims.length !== 2 ||
    !dims.every((d) => Number.isInteger(d) && d >= 0 && d < zDim) ||
    dims[0] === dims[1]
  ) {
    throw invalidField(FN, 'dims', `two different integers in [0, ${zDim - 1}]`, dims);
  }
  const coords = Array.from({ length: size }, (_, i) =>
    spacing === 'quantile' ? normalQuantile((i + 0.5) / size) : size === 1 ? 0 : -range + (2 * range * i) / (size - 1),
  );
  const z = new Float32Array(size * size * zDim);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const cell = row * size + col;
      z[cell * zDim + dims[0]] = coords[col]!;
      z[cell * zDim + dims[1]] = coords[row]!;
    }
  }
  let labels: number[] | undefined;
  if (options.label === undefined && parts.numClasses !== null) {
    throw new ValueError(`${FN}: missing \`label\`: the VAE is conditional (numClasses ${parts.numClasses}), so choose the class to draw.`);
  }
  if (options.label !== undefined) {
    if (parts.numClasses === null) {
      throw new ValueError(`${FN}: invalid \`label\`: the VAE is not conditional (its encoder has one input), so it takes no label.`);
    }
    const k = parts.numClasses;
    if (typeof options.label !== 'number' || !Number.isInteger(options.label) || options.label < 0 || options.label >= k) {
      throw invalidField(FN, 'label', `an integer in [0, ${k - 1}] (numClasses ${k})`, options.label);
    }
    labels = new Array<number>(size * size).fill(options.label);
  }
  const latents = tf.tensor2d(z, [size * size, zDim]); // [G·G, Z]
  try {
    return decodeLatents(vae, latents, {
      output: options.output ?? 'mean',
      ...optional('labels', labels),
    }); // [G·G, …]
  } finally {
    latents.dispose();
  }
}

