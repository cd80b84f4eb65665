export { buildConvVAE, type ConvVAEConfig } from './buildConvVAE.js';
export { buildVAE, type VAEConfig } from './buildVAE.js';
export { decodeLatents, type DecodeLatentsOptions } from './decodeLatents.js';
export { encodeMean, type EncodeMeanOptions } from './encodeMean.js';
export { GaussianSample, gaussianSample, type GaussianSampleArgs } from './GaussianSample.js';
export { importanceWeightedBound, type ImportanceWeightedBoundOptions } from './importanceWeightedBound.js';
export { latentGrid, type LatentGridOptions } from './latentGrid.js';
export { reparameterize, type ReparameterizeOptions } from './reparameterize.js';
export type { VAE, VAECommonConfig, VAEModels } from './types.js';
