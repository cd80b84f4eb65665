export { buildDCGAN, type DCGAN, type DCGANConfig } from './buildDCGAN.js';
export { sampleGAN, type SampleGANOptions } from './sampleGAN.js';
export { gradientPenalty, type GradientPenaltyOptions } from './gradientPenalty.js';
export { SpectralNormalization, spectralNormalization, type SpectralNormalizationArgs } from './SpectralNormalization.js';
export { buildCycleGAN, type CycleGAN, type CycleGANConfig } from './buildCycleGAN.js';
export { InstanceNormalization, instanceNormalization, type InstanceNormalizationArgs } from './InstanceNormalization.js';
