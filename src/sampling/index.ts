export { interpolateLatents, type InterpolateLatentsOptions } from './interpolateLatents.js';
export { generate, type GenerateOptions, type GenerateResult, type GenerateStopReason } from './generate.js';
export type { StopReason } from '../training/types.js';
export { sampleLogits, type SampleLogitsOptions } from './sampleLogits.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
