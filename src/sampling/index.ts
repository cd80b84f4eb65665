/**
 * Sampling: `sampleLogits` (temperature, top-k, top-p, seeded), `generate`
 * (text from a language model, with a key/value cache, stop tokens,
 * streaming and abort) and `interpolateLatents` (linear or spherical paths
 * between latent vectors).
 *
 * ```ts
 * import { generate, interpolateLatents, sampleLogits } from 'tfjs-generative/sampling';
 * ```
 *
 * Family-specific samplers live with their family: `sampleGAN` in
 * `tfjs-generative/gan`, `generateAudio` in `tfjs-generative/audio`,
 * `decodeLatents` in `tfjs-generative/vae`. Everything here is also exported
 * from `tfjs-generative`.
 *
 * @module tfjs-generative/sampling
 */
export { interpolateLatents, type InterpolateLatentsOptions } from './interpolateLatents.js';
export { generate, type GenerateOptions, type GenerateResult, type GenerateStopReason } from './generate.js';
export type { StopReason } from '../training/types.js';
export type { YieldMode } from '../_internal/yieldControl.js';
export { sampleLogits, type SampleLogitsOptions } from './sampleLogits.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
