export { buildDCGAN, type DCGAN, type DCGANConfig } from './buildDCGAN.js';
export { sampleGAN, type SampleGANOptions } from './sampleGAN.js';
