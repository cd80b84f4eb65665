// Training a VAE by maximizing the ELBO: Kingma & Welling 2013, "Auto-Encoding
// Variational Bayes", https://arxiv.org/abs/1312.6114 (Algorithm 1, one z per example);
// β-VAE: Higgins et al. 2017, https://openreview.net/forum?id=Sy2fzU9gl; KL warm-up
// (the KL weight raised linearly from 0): Bowman et al. 2015, https://arxiv.org/abs/1511.06349,
// and Sønderby et al. 2016, https://arxiv.org/abs/1602.02282.
//
// Legend: N examples, B batch, Z latent size, K classes.
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys, optional } from '../_internal/config.js';
import { invalidField, ValueError } from '../_internal/errors.js';
import { withKernelHint } from '../_internal/kernelHint.js';
import { seedSource } from '../_internal/random.js';
import { checkBoolean, checkNonNegativeInt, checkNonNegativeNumber, checkOptionalSeed, checkPositiveInt, checkTensor, formatShape } from '../_internal/validate.js';
import { checkExamples, elboTerms, oneHotLabels, resolveLabelsAsync, resolveVAE, type VAEParts } from '../vae/vaeParts.js';
import type { VAEModels } from '../vae/types.js';
import { batchSource, releaseBatch, type BatchSource } from './_batches.js';
import { checkBatchShape, checkCallbacks, checkOptimizer, forwardState, guardedUpdate, ownedOptimizer, resolveSchedule, runEpochs, type OwnedOptimizer } from './_loop.js';
import { checkCheckpointOption, openCheckpoints } from './_checkpoint.js';
import { keyedSeedSource } from './_checkpointRandom.js';
import type { CheckpointOptions } from './checkpoint.js';
import { checkYieldMode, type YieldMode } from '../_internal/yieldControl.js';
import type { StopReason, TrainingData } from './types.js';

/**
 * Training data of {@link trainVAE}: examples alone (any {@link TrainingData}
 * form), or, for a conditional VAE, `{ x, labels }` with `x` a tensor of
 * examples `[N, …]` and `labels` their class indices `[N]` (a tensor or an
 * array of integers in `[0, numClasses)`), shuffled together.
 *
 * @category Training
 */
export type VAETrainingData = TrainingData | LabeledExamples;

/**
 * Examples with their class labels, for a conditional VAE.
 *
 * @category Training
 */
export interface LabeledExamples {
  /** Examples `[N, …]`. */
  x: tf.Tensor;
  /** Class index of each example, `[N]`, integers in `[0, numClasses)`. */
  labels: tf.Tensor | readonly number[];
}

/**
 * The ELBO terms {@link trainVAE} reports, means over examples, in nats per example.
 *
 * @category Training
 */
export interface VAEMetrics {
  /** Reconstruction term: the negative log-likelihood `-log p(x|z)`, one `z ~ q(z|x)`. */
  reconstruction: number;
  /** `KL(q(z|x) ‖ N(0, I))`, closed form. */
  kl: number;
  /** `-(reconstruction + kl)`: the evidence lower bound with β = 1, comparable with papers. */
  elbo: number;
}

/**
 * What {@link trainVAE} reports after each step.
 *
 * @category Training
 */
export interface VAEStepInfo extends VAEMetrics {
  /** Zero-based index of the step just completed. */
  step: number;
  /** Zero-based index of the current epoch. */
  epoch: number;
  /** The KL weight used at this step (β, scaled down during the warm-up). */
  beta: number;
  /** The objective minimized at this step: `reconstruction + beta · kl`. */
  loss: number;
}

/**
 * What {@link trainVAE} reports at the end of each epoch.
 *
 * @category Training
 */
export interface VAEEpochInfo extends VAEMetrics {
  /** Zero-based index of the epoch just completed. */
  epoch: number;
  /** Steps in this epoch (the metrics are their means). */
  steps: number;
  /** The ELBO terms on `validationData`, when given (encoder and decoder in inference mode). */
  validation?: VAEMetrics;
}

/**
 * Options of {@link trainVAE}.
 *
 * @category Training
 */
export interface TrainVAEOptions {
  /** Number of passes over `data`. Cannot be combined with `steps`. Defaults to `1` when `steps` is not given. */
  epochs?: number;
  /** Number of steps to run, cycling through `data` as needed. Cannot be combined with `epochs`. */
  steps?: number;
  /** Examples per batch when `data` is a tensor of examples (the last incomplete batch is dropped). Defaults to `64`. */
  batchSize?: number;
  /** Weight β of the KL term in the objective (β-VAE); ≥ 0. Defaults to the VAE's `beta`, else `1`. */
  beta?: number;
  /** Steps over which the KL weight rises linearly from 0 to β (`β · min(1, step / klWarmupSteps)`); 0 for none. Defaults to `0`. */
  klWarmupSteps?: number;
  /** Optimizer. Defaults to `tf.train.adam(1e-3)`. */
  optimizer?: tf.Optimizer;
  /** Shuffle a tensor of examples every epoch. Defaults to `true`. */
  shuffle?: boolean;
  /** Seed of the shuffling and of the `z` draws; the same seed and initial weights give the same run. Defaults to unseeded. */
  seed?: number;
  /** Held-out data, in the forms of `data` (a tensor or `{ x, labels }`), evaluated at the end of every epoch and of training. */
  validationData?: tf.Tensor | LabeledExamples;
  /** Called after every step; may be async (training waits for it). */
  onStep?: (info: VAEStepInfo) => void | Promise<void>;
  /** Called after every epoch; may be async (training waits for it). */
  onEpochEnd?: (info: VAEEpochInfo) => void | Promise<void>;
  /** Stops training after the current step when aborted; `trainVAE` then resolves with `stopReason: 'aborted'`. */
  signal?: AbortSignal;
  /** Saves checkpoints (encoder, decoder, optimizer state, step, epoch, data position, seed) and resumes from the newest; see {@link CheckpointOptions} and `docs/checkpoints.md`. Defaults to none. */
  checkpoint?: CheckpointOptions;
  /**
   * Where training yields between steps, so that timers, UI, I/O and an outside
   * `signal.abort()` run: `'task'` (the event loop), `'frame'` (the next animation
   * frame in a browser), `'none'` (never: nothing else runs until training ends).
   * Defaults to `'task'`.
   */
  yieldTo?: YieldMode;
}

/**
 * The per-step history of a {@link trainVAE} run, in nats per example.
 *
 * @category Training
 */
export interface VAEHistory {
  /** Reconstruction NLL of each step. */
  reconstruction: number[];
  /** KL of each step. */
  kl: number[];
  /** ELBO (β = 1) of each step. */
  elbo: number[];
  /** Objective minimized at each step (`reconstruction + beta · kl`). */
  loss: number[];
}

/**
 * What {@link trainVAE} resolves to.
 *
 * @category Training
 */
export interface TrainVAEResult {
  /** Steps completed. */
  steps: number;
  /** Epochs completed (a partial last epoch is not counted). */
  epochs: number;
  /** Why training stopped: `'completed'`, `'aborted'` or `'data-exhausted'`. */
  stopReason: Extract<StopReason, 'completed' | 'aborted' | 'data-exhausted'>;
  /** Per-step metrics. */
  history: VAEHistory;
  /** The ELBO terms on `validationData` after the last step, when given. */
  validation?: VAEMetrics;
}

const FN = 'trainVAE';
const KEYS = [
  'epochs',
  'steps',
  'batchSize',
  'beta',
  'klWarmupSteps',
  'optimizer',
  'shuffle',
  'seed',
  'validationData',
  'onStep',
  'onEpochEnd',
  'signal',
  'checkpoint',
  'yieldTo',
] as const;

/**
 * Trains a VAE's encoder and decoder by minimizing
 * `E[-log p(x|z)] + β · KL(q(z|x) ‖ N(0, I))`, the negative ELBO when β = 1
 * (Kingma & Welling 2013), with one `z` per example drawn by
 * reparameterization.
 *
 * `vae` is the object {@link "tfjs-generative/vae"!buildVAE | buildVAE} or {@link "tfjs-generative/vae"!buildConvVAE | buildConvVAE} returns, or any
 * `{ encoder, decoder }` pair (see {@link VAEModels}): the loss needs the
 * encoder's `mean` and `logVar`, which the end-to-end `vae` model hides, so
 * the encoder and decoder are trained directly (the `vae` model shares their
 * weights). Both run in training mode.
 *
 * Reported numbers are in nats per example (means over the batch): the
 * reconstruction NLL, the KL, the ELBO with β = 1 (comparable with papers,
 * whatever `beta` is), and the objective actually minimized. β scales only
 * the objective; during the KL warm-up it rises linearly from 0.
 *
 * The loss and the gradients are checked before each update is applied: a
 * NaN or infinite one stops training with a {@link NonFiniteLossError} naming
 * the step and the part, and the encoder, the decoder and the optimizer keep
 * the state of the last finite step. No tensors are leaked: after the optimizer's first step
 * made its state, `tf.memory().numTensors` stays the same however many steps
 * run, and a call that throws leaves it as it found it (an optimizer made
 * here is disposed either way).
 *
 * @param vae - Encoder and decoder (and likelihood); see {@link VAEModels}.
 * @param data - Examples, or `{ x, labels }` for a conditional VAE; see {@link VAETrainingData}.
 *   Bernoulli VAEs need data in [0, 1].
 * @param options - Schedule, β, optimizer, callbacks; see {@link TrainVAEOptions}.
 * @returns Steps and epochs done, why training stopped (`'completed'`,
 *   `'aborted'` or `'data-exhausted'`), the history, and the final validation metrics.
 * @throws {@link ValueError} for invalid options, data of the wrong shape or labels
 *   outside `[0, numClasses)`; {@link NonFiniteLossError} when a loss or a gradient is not finite (before the update).
 *   On the stock wasm backend, a missing-kernel error says to call `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { buildVAE, trainVAE } from 'tfjs-generative';
 * const model = buildVAE({ inputShape: [16], latentDim: 2, hiddenUnits: [32], seed: 1 });
 * const x = tf.cast(tf.greater(tf.randomUniform([128, 16], 0, 1, 'float32', 2), 0.5), 'float32'); // [N, 16]
 * const result = await trainVAE(model, x, { batchSize: 32, steps: 8, seed: 1 });
 * console.log(result.steps, result.history.elbo.length); // 8 8
 * ```
 *
 * @category Training
 */
export async function trainVAE(vae: VAEModels, data: VAETrainingData, options: TrainVAEOptions = {}): Promise<TrainVAEResult> {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, KEYS, 'options');
  const parts = resolveVAE(FN, vae);
  const { signal, onStep, onEpochEnd } = options;
  const schedule = resolveSchedule(FN, options.epochs, options.steps);
  const batchSize = checkPositiveInt(FN, 'batchSize', options.batchSize ?? 64);
  const beta = checkNonNegativeNumber(FN, 'beta', options.beta ?? parts.beta);
  const klWarmupSteps = checkNonNegativeInt(FN, 'klWarmupSteps', options.klWarmupSteps ?? 0);
  const seed = checkOptionalSeed(FN, 'seed', options.seed);
  const shuffle = checkBoolean(FN, 'shuffle', options.shuffle ?? true);
  checkCallbacks(FN, options, ['onStep', 'onEpochEnd']);
  const yieldTo = checkYieldMode(FN, 'yieldTo', options.yieldTo);
  const givenOptimizer = checkOptimizer(FN, 'optimizer', options.optimizer);
  const checkpointSettings = checkCheckpointOption(FN, options.checkpoint);
  const vars = [...parts.encoder.trainableWeights, ...parts.decoder.trainableWeights].map((w) => w.read() as tf.Variable);
  const state = forwardState([parts.encoder, parts.decoder]);
  const betaAt = (step: number): number => (klWarmupSteps === 0 ? beta : beta * Math.min(1, step / klWarmupSteps));
  const rng = keyedSeedSource(seed);

  // Everything allocated from here on is freed in the `finally` below, on success and on throw.
  const owned: tf.Tensor[] = []; // labels made by splitData
  let source: BatchSource | undefined;
  let optimizer: OwnedOptimizer | undefined;
  try {
    const train = await splitData(FN, 'data', data, parts);
    if (train.labels !== null) owned.push(train.labels);
    let validation: { x: tf.Tensor; labels: tf.Tensor1D | null } | null = null;
    if (options.validationData !== undefined) {
      const v = await splitData(FN, 'validationData', options.validationData, parts);
      if (v.labels !== null) owned.push(v.labels);
      if (!(v.x instanceof tf.Tensor)) {
        throw invalidField(FN, 'validationData', 'a tensor of examples or { x, labels }', options.validationData);
      }
      checkExamples(FN, 'validationData', v.x, parts);
      validation = { x: v.x, labels: v.labels };
    }
    source = batchSource(FN, 'data', train.x, { batchSize, exampleRank: parts.exampleShape.length, shuffle, rng, ...optional('labels', train.labels ?? undefined) });
    optimizer = ownedOptimizer(givenOptimizer, () => tf.train.adam(1e-3));
    const vaeOptimizer = optimizer.optimizer;
    const checkpoint = await openCheckpoints(FN, checkpointSettings, {
      loop: FN,
      models: { encoder: parts.encoder, decoder: parts.decoder },
      optimizers: { optimizer: vaeOptimizer },
      rng,
      seedGiven: seed !== undefined,
      setup: { batchSize, beta, klWarmupSteps, shuffle, examples: train.x instanceof tf.Tensor ? formatShape(train.x.shape) : null },
    }, releaseBatch);

    // One guarded update; resolves to [loss, mean reconstruction, mean KL].
    const trainStep = async (x: tf.Tensor, labels: tf.Tensor | undefined, stepBeta: number, step: number, epoch: number): Promise<Float32Array> => {
      const oneHot = labels === undefined || parts.numClasses === null ? null : oneHotLabels(labels, parts.numClasses);
      try {
        const zSeed = rng.nextSeed();
        return await guardedUpdate(
          vaeOptimizer,
          () => {
            const { reconstruction, kl } = elboTerms(parts, x, oneHot, zSeed, true); // [B], [B]
            const recon = tf.mean(reconstruction);
            const klMean = tf.mean(kl);
            return { loss: tf.add(recon, tf.mul(klMean, stepBeta)) as tf.Scalar, report: tf.stack([recon, klMean]) as tf.Tensor1D };
          },
          vars,
          { fn: FN, step, epoch, loss: 'loss', reportNames: ['reconstruction loss', 'KL divergence'] },
          state,
        );
      } finally {
        oneHot?.dispose();
      }
    };

    const evaluate = async (step: number): Promise<VAEMetrics | undefined> => {
      if (validation === null) return undefined;
      rng.at('validation', step);
      return evaluateTerms(parts, validation.x, validation.labels, batchSize, rng.nextSeed());
    };

    const history: VAEHistory = { reconstruction: [], kl: [], elbo: [], loss: [] };
    let lastValidation: VAEMetrics | undefined;
    let validatedAtStep = -1;
    let sums = { reconstruction: 0, kl: 0, steps: 0 };
    const step0 = checkpoint.start.step;
    const result = await runEpochs(FN, schedule, source, signal, {
      epochStart: (epoch) => {
        rng.at('epoch', epoch);
        sums = { reconstruction: 0, kl: 0, steps: 0 };
      },
      batch: async (batch, step, epoch) => {
        let values: Float32Array;
        const stepBeta = betaAt(step);
        rng.at('step', step);
        try {
          checkBatchShape(FN, 'data', batch.x, parts.exampleShape, step, "the encoder's input");
          values = await trainStep(batch.x, batch.labels, stepBeta, step, epoch);
        } finally {
          releaseBatch(batch);
        }
        const reconstruction = values[1]!;
        const kl = values[2]!;
        const info: VAEStepInfo = {
          step,
          epoch,
          reconstruction,
          kl,
          elbo: -(reconstruction + kl),
          beta: stepBeta,
          loss: values[0]!,
        };
        history.reconstruction.push(reconstruction);
        history.kl.push(kl);
        history.elbo.push(info.elbo);
        history.loss.push(info.loss);
        sums.reconstruction += reconstruction;
        sums.kl += kl;
        sums.steps++;
        if (onStep !== undefined) await onStep(info);
        return true;
      },
      epochEnd: async (epoch) => {
        if (validation !== null) {
          validatedAtStep = step0 + history.loss.length;
          lastValidation = await evaluate(validatedAtStep);
        }
        if (onEpochEnd !== undefined && sums.steps > 0) {
          const r = sums.reconstruction / sums.steps;
          const k = sums.kl / sums.steps;
          await onEpochEnd({
            epoch,
            steps: sums.steps,
            reconstruction: r,
            kl: k,
            elbo: -(r + k),
            ...optional('validation', lastValidation),
          });
        }
      },
    }, yieldTo, checkpoint);
    if (validation !== null && validatedAtStep !== result.steps) lastValidation = await evaluate(result.steps);
    return {
      steps: result.steps,
      epochs: result.epochs,
      stopReason: result.stopReason as TrainVAEResult['stopReason'],
      history,
      ...optional('validation', lastValidation),
    };
  } catch (error) {
    throw withKernelHint(error);
  } finally {
    source?.dispose();
    tf.dispose(owned);
    optimizer?.release();
  }
}

/** Splits `data` into examples and checked labels (int32 `[N]`, owned by the caller), or throws. */
async function splitData(
  fn: string,
  field: string,
  data: unknown,
  parts: VAEParts,
): Promise<{ x: unknown; labels: tf.Tensor1D | null }> {
  const isPair = data !== null && typeof data === 'object' && !(data instanceof tf.Tensor) && !Array.isArray(data) && 'x' in data;
  if (isPair) {
    const pair = data as Partial<LabeledExamples>;
    const x = checkTensor(fn, `${field}.x`, pair.x);
    return { x, labels: await resolveLabelsAsync(fn, parts, pair.labels, x.shape[0]!, `${field}.labels`) };
  }
  if (parts.numClasses !== null) {
    throw new ValueError(
      `${fn}: invalid \`${field}\`: the VAE is conditional (numClasses ${parts.numClasses}), so expected { x, labels }, received ${data instanceof tf.Tensor ? `a tensor ${formatShape(data.shape)}` : 'examples without labels'}.`,
    );
  }
  return { x: data, labels: null };
}

/** Mean reconstruction NLL and KL over `x`, in batches, in inference mode. */
async function evaluateTerms(
  parts: VAEParts,
  x: tf.Tensor,
  labels: tf.Tensor1D | null,
  batchSize: number,
  seed: number,
): Promise<VAEMetrics> {
  const n = x.shape[0]!;
  const rng = seedSource(seed);
  let sum: tf.Tensor1D = tf.zeros([2]);
  let r: number;
  let k: number;
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      const next = tf.tidy(() => {
        const xb = tf.slice(x, start, size); // [B, …]
        const oneHot = labels === null || parts.numClasses === null ? null : oneHotLabels(tf.slice(labels, start, size), parts.numClasses);
        const { reconstruction, kl } = elboTerms(parts, xb, oneHot, rng.nextSeed(), false);
        return tf.add(sum, tf.stack([tf.sum(reconstruction), tf.sum(kl)])) as tf.Tensor1D;
      });
      sum.dispose();
      sum = next;
    }
    [r, k] = (await sum.data()) as unknown as [number, number];
  } finally {
    sum.dispose();
  }
  const reconstruction = r / n;
  const kl = k / n;
  return { reconstruction, kl, elbo: -(reconstruction + kl) };
}
