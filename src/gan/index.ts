/**
 * GANs: the `buildDCGAN` pair (unconditional, conditional, AC-GAN),
 * `buildCycleGAN`, the StyleGAN-style `buildStyleGenerator` with `styleMix`
 * and `meanStyle`, `sampleGAN`, and their layers (`SpectralNormalization`,
 * `InstanceNormalization`, `ModulatedConv2D`, `NoiseInjection`,
 * `PixelNormalization`, `ConstantInput`). `gradientPenalty` (WGAN-GP) lives in
 * `tfjs-generative/losses` and is re-exported here.
 *
 * ```ts
 * import { buildDCGAN, sampleGAN } from 'tfjs-generative/gan';
 * ```
 *
 * Train with `trainGAN` or `trainCycleGAN` (`tfjs-generative/training`); the
 * GAN losses are in `tfjs-generative/losses`. Guide: "Training a GAN".
 * Everything here is also exported from `tfjs-generative`.
 *
 * @module tfjs-generative/gan
 */
export { buildDCGAN, type DCGAN, type DCGANConfig } from './buildDCGAN.js';
export { sampleGAN, type SampleGANOptions } from './sampleGAN.js';
// `gradientPenalty` is a loss term and lives in `tfjs-generative/losses`; kept here so existing imports work.
export { gradientPenalty, type GradientPenaltyOptions } from '../losses/gradientPenalty.js';
export { SpectralNormalization, spectralNormalization, type SpectralNormalizationArgs } from './SpectralNormalization.js';
export { buildCycleGAN, type CycleGAN, type CycleGANConfig } from './buildCycleGAN.js';
export { InstanceNormalization, instanceNormalization, type InstanceNormalizationArgs } from './InstanceNormalization.js';
export { buildStyleGenerator, type StyleGenerator, type StyleGeneratorConfig } from './buildStyleGenerator.js';
export { ModulatedConv2D, modulatedConv2d, type ModulatedConv2DArgs } from './ModulatedConv2D.js';
export { NoiseInjection, noiseInjection, type NoiseInjectionArgs } from './NoiseInjection.js';
export { PixelNormalization, pixelNormalization, type PixelNormalizationArgs } from './PixelNormalization.js';
export { ConstantInput, constantInput, type ConstantInputArgs } from './ConstantInput.js';
export { styleMix, meanStyle, type StyleMixOptions, type MeanStyleOptions } from './styleMix.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
