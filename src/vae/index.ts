/**
 * Variational autoencoders: `buildVAE` (dense) and `buildConvVAE`
 * (convolutional), conditional and β-VAE options, `reparameterize` and the
 * `GaussianSample` layer, the importance-weighted bound on log p(x)
 * (`importanceWeightedBound`), and latent-space tools (`encodeMean`,
 * `decodeLatents`, `latentGrid`).
 *
 * ```ts
 * import { buildVAE, decodeLatents } from 'tfjs-generative/vae';
 * ```
 *
 * Train with `trainVAE` (`tfjs-generative/training`); the ELBO and its terms
 * are in `tfjs-generative/losses`. Guide: "Training a VAE". Everything here is
 * also exported from `tfjs-generative`.
 *
 * @module tfjs-generative/vae
 */
export { buildConvVAE, type ConvVAEConfig } from './buildConvVAE.js';
export { buildVAE, type VAEConfig } from './buildVAE.js';
export { decodeLatents, type DecodeLatentsOptions } from './decodeLatents.js';
export { encodeMean, type EncodeMeanOptions } from './encodeMean.js';
export { GaussianSample, gaussianSample, type GaussianSampleArgs } from './GaussianSample.js';
export { importanceWeightedBound, type ImportanceWeightedBoundOptions } from './importanceWeightedBound.js';
export { latentGrid, type LatentGridOptions } from './latentGrid.js';
export { reparameterize, type ReparameterizeOptions } from './reparameterize.js';
export type { VAE, VAECommonConfig, VAEModels } from './types.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
