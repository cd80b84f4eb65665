export type { TrainingData } from './_batches.js';
export type { StopReason } from './_loop.js';
export {
  trainGAN,
  type GANEpochInfo,
  type GANHistory,
  type GANStepInfo,
  type TrainGANOptions,
  type TrainGANResult,
} from './trainGAN.js';
