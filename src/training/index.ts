export type { StopReason, TokenStream, TrainingData } from './types.js';
export {
  trainGAN,
  type GANEpochInfo,
  type GANHistory,
  type GANStepInfo,
  type TrainGANOptions,
  type TrainGANResult,
} from './trainGAN.js';
export {
  evaluateLanguageModel,
  type EvaluateLanguageModelOptions,
  type LanguageModelEvaluation,
} from './evaluateLanguageModel.js';
export {
  trainLanguageModel,
  type LanguageModelHistory,
  type LanguageModelStepInfo,
  type TrainLanguageModelOptions,
  type TrainLanguageModelResult,
} from './trainLanguageModel.js';
export { trainWaveNet, type TrainWaveNetOptions, type TrainWaveNetResult, type WaveNetStepInfo } from './trainWaveNet.js';
export {
  trainVAE,
  type LabeledExamples,
  type TrainVAEOptions,
  type TrainVAEResult,
  type VAEEpochInfo,
  type VAEHistory,
  type VAEMetrics,
  type VAEStepInfo,
  type VAETrainingData,
} from './trainVAE.js';
export {
  trainCycleGAN,
  type CycleGANHistory,
  type CycleGANStepInfo,
  type TrainCycleGANOptions,
  type TrainCycleGANResult,
} from './trainCycleGAN.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
