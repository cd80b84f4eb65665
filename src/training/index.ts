/**
 * Training loops: `trainGAN`, `trainCycleGAN`, `trainVAE`,
 * `trainLanguageModel` (with `evaluateLanguageModel`) and `trainWaveNet`.
 * Each validates its input before it allocates, seeds its batches, reports
 * progress through callbacks, yields to the event loop between steps
 * (`yieldTo`), stops on an `AbortSignal` or, before the update, on a
 * non-finite loss or gradient (`NonFiniteLossError`), and leaves no tensor
 * behind; `StopReason` says why it stopped. All but `trainCycleGAN` take a
 * `checkpoint` option ({@link CheckpointOptions}) that saves and resumes a run
 * bit-exactly; `latestCheckpoint` reads a checkpoint folder.
 *
 * ```ts
 * import { trainGAN, trainVAE } from 'tfjs-generative/training';
 * ```
 *
 * Everything here is also exported from `tfjs-generative`.
 *
 * @module tfjs-generative/training
 */
export type { StopReason, TokenStream, TrainingData } from './types.js';
export { latestCheckpoint, type CheckpointInfo, type CheckpointOptions } from './checkpoint.js';
export type { YieldMode } from '../_internal/yieldControl.js';
export {
  trainGAN,
  type GANEpochInfo,
  type GANHistory,
  type GANModels,
  type GANStepInfo,
  type LegacyTrainGANOptions,
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
export {
  trainWaveNet,
  type TrainWaveNetOptions,
  type TrainWaveNetResult,
  type WaveNetHistory,
  type WaveNetStepInfo,
} from './trainWaveNet.js';
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
  type CycleGANData,
  type CycleGANEpochInfo,
  type CycleGANHistory,
  type CycleGANModels,
  type CycleGANStepInfo,
  type LegacyTrainCycleGANOptions,
  type TrainCycleGANOptions,
  type TrainCycleGANResult,
} from './trainCycleGAN.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
