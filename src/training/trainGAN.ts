// Alternating GAN training: Goodfellow et al. 2014, https://arxiv.org/abs/1406.2661
// (Algorithm 1: k discriminator steps per generator step), with the DCGAN optimizer
// settings of Radford et al. 2015, https://arxiv.org/abs/1511.06434 (Adam, lr 2e-4, β1 0.5).
//
// Legend: B batch, Z latent size.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { optional } from '../_internal/config.js';
import { invalidField, ValueError } from '../_internal/errors.js';
import { withKernelHint } from '../_internal/kernelHint.js';
import { classCountOf, latentDimOf, randomLabels, randomLatents } from '../_internal/latents.js';
import { checkBoolean, checkLayersModel, checkOptionalSeed, checkPositiveInt, formatShape } from '../_internal/validate.js';
import { ganLossPair, type GANLossName, type GANLossPair } from '../losses/ganLossPairs.js';
import { sparseCategoricalCrossEntropyFromLogits } from '../losses/sparseCategoricalCrossEntropyFromLogits.js';
import { batchSource, releaseBatch, type BatchSource } from './_batches.js';
import { checkBatchShape, checkCallbacks, checkOptimizer, forwardState, guardedUpdate, ownedOptimizer, resolveCallShape, resolveSchedule, runEpochs, type OwnedOptimizer } from './_loop.js';
import { checkCheckpointOption, openCheckpoints } from './_checkpoint.js';
import { keyedSeedSource } from './_checkpointRandom.js';
import type { CheckpointOptions } from './checkpoint.js';
import { checkYieldMode, type YieldMode } from '../_internal/yieldControl.js';
import type { StopReason, TrainingData } from './types.js';

/**
 * What {@link trainGAN} reports after each generator step.
 *
 * Scores are means over the batch of the discriminator's raw output
 * (logits, or critic values for the Wasserstein loss); probabilities are
 * means of σ(output), the "D(x)" and "D(G(z))" of the DCGAN paper.
 *
 * @category Training
 */
export interface GANStepInfo {
  /** Zero-based index of the generator step just completed. */
  step: number;
  /** Zero-based index of the current epoch. */
  epoch: number;
  /** Discriminator loss, averaged over the `discriminatorSteps` of this step. */
  discriminatorLoss: number;
  /** Generator loss of this step. */
  generatorLoss: number;
  /** Mean discriminator output on real examples, D(x), as a logit. */
  realScore: number;
  /** Mean discriminator output on generated examples, D(G(z)), as a logit (before the generator update). */
  fakeScore: number;
  /** Mean σ(D(x)): the probability the discriminator gives real examples. */
  realProbability: number;
  /** Mean σ(D(G(z))): the probability the discriminator gives generated examples. */
  fakeProbability: number;
}

/**
 * What {@link trainGAN} reports at the end of each epoch: the means of the
 * epoch's steps.
 *
 * @category Training
 */
export interface GANEpochInfo {
  /** Zero-based index of the epoch just completed. */
  epoch: number;
  /** Generator steps in this epoch. */
  steps: number;
  /** Mean discriminator loss over the epoch. */
  discriminatorLoss: number;
  /** Mean generator loss over the epoch. */
  generatorLoss: number;
  /** Mean D(x) logit over the epoch. */
  realScore: number;
  /** Mean D(G(z)) logit over the epoch. */
  fakeScore: number;
}

/**
 * The two models {@link trainGAN} trains, such as those {@link "tfjs-generative/gan"!buildDCGAN | buildDCGAN}
 * returns (other fields of that object are ignored).
 *
 * @category Training
 */
export interface GANModels {
  /** Maps latents `[B, Z]` to examples; trained to fool the discriminator. */
  readonly generator: tfl.LayersModel;
  /** Maps examples to logits `[B, …]`; trained to tell real from generated. */
  readonly discriminator: tfl.LayersModel;
}

/**
 * Options of {@link trainGAN}.
 *
 * @category Training
 */
export interface TrainGANOptions {
  /**
   * The loss pair: a name (`'non-saturating'` = `'minimax'`, `'saturating'`,
   * `'least-squares'`, `'hinge'`, `'wasserstein'`, `'wgan-gp'`), or your own
   * `{ discriminator, generator, penalty? }` functions. Defaults to `'non-saturating'`.
   */
  loss?: GANLossName | GANLossPair;
  /** Number of passes over `data`. Cannot be combined with `steps`. Defaults to `1` when `steps` is not given. */
  epochs?: number;
  /** Number of generator steps to run, cycling through `data` as needed. Cannot be combined with `epochs`. */
  steps?: number;
  /** Examples per batch when `data` is a tensor of examples (the last incomplete batch is dropped). Defaults to `64`. */
  batchSize?: number;
  /** Discriminator (critic) steps per generator step, each on a new real batch. Defaults to `1` (`5` with `'wgan-gp'`). */
  discriminatorSteps?: number;
  /** Optimizer of the generator; one made by default is disposed at the end of the call (pass your own to keep its state). Defaults to `tf.train.adam(2e-4, 0.5, 0.999)` (`tf.train.adam(1e-4, 0, 0.9)` with `'wgan-gp'`). */
  generatorOptimizer?: tf.Optimizer;
  /** Optimizer of the discriminator. Defaults to `tf.train.adam(2e-4, 0.5, 0.999)` (`tf.train.adam(1e-4, 0, 0.9)` with `'wgan-gp'`). */
  discriminatorOptimizer?: tf.Optimizer;
  /**
   * Class of each example `[N]` (int), for a conditional pair (`buildDCGAN({ numClasses })`);
   * requires `data` to be a tensor of examples. Generated examples get uniformly random classes.
   */
  labels?: tf.Tensor;
  /** Shuffle a tensor of examples every epoch. Defaults to `true`. */
  shuffle?: boolean;
  /** Seed of the shuffling and of the latent draws; the same seed and initial weights give the same run. Defaults to unseeded. */
  seed?: number;
  /** Called after every generator step; may be async (training waits for it). */
  onStep?: (info: GANStepInfo) => void | Promise<void>;
  /** Called after every epoch; may be async (training waits for it). */
  onEpochEnd?: (info: GANEpochInfo) => void | Promise<void>;
  /** Stops training after the current step when aborted; `trainGAN` then resolves with `stopReason: 'aborted'`. */
  signal?: AbortSignal;
  /** Saves checkpoints (both models, both optimizers' state, step, epoch, data position, seed) and resumes from the newest; see {@link CheckpointOptions} and `docs/checkpoints.md`. Defaults to none. */
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
 * The single options bag of the former `trainGAN(options)` form: the models
 * and the data inside the options.
 *
 * @deprecated Use `trainGAN({ generator, discriminator }, data, options)`; this form is removed in 0.4.0.
 * @category Training
 */
export interface LegacyTrainGANOptions extends TrainGANOptions, GANModels {
  /** Real examples, in the discriminator's input shape and range. See {@link TrainingData}. */
  data: TrainingData;
}

/**
 * What {@link trainGAN} resolves to.
 *
 * @category Training
 */
export interface TrainGANResult {
  /** Generator steps completed. */
  steps: number;
  /** Epochs completed (a partial last epoch is not counted). */
  epochs: number;
  /** Why training stopped: `'completed'`, `'aborted'` or `'data-exhausted'`. */
  stopReason: Extract<StopReason, 'completed' | 'aborted' | 'data-exhausted'>;
  /** Per-step discriminator and generator losses. */
  history: GANHistory;
}

/**
 * The losses of every generator step of a {@link trainGAN} run.
 *
 * @category Training
 */
export interface GANHistory {
  /** Discriminator loss of each step (mean over its `discriminatorSteps`). */
  discriminatorLoss: number[];
  /** Generator loss of each step. */
  generatorLoss: number[];
}

const FN = 'trainGAN';
const KEYS = [
  'loss',
  'epochs',
  'steps',
  'batchSize',
  'discriminatorSteps',
  'generatorOptimizer',
  'discriminatorOptimizer',
  'labels',
  'shuffle',
  'seed',
  'onStep',
  'onEpochEnd',
  'signal',
  'checkpoint',
  'yieldTo',
] as const;
const LEGACY_KEYS = ['generator', 'discriminator', 'data', ...KEYS] as const;

/**
 * Trains a generator and a discriminator by alternating steps.
 *
 * Each generator step is preceded by `discriminatorSteps` discriminator
 * steps, each on a new batch of real examples and a fresh batch of generated
 * ones (the generator's output is not differentiated there). Both models run
 * in training mode (batch norm uses batch statistics). Each model has its own
 * optimizer, which keeps its state across calls when you pass the same
 * instance again.
 *
 * The loss and the gradients of every update (each discriminator step too)
 * are checked before the update is applied: a NaN or infinite one stops
 * training with a {@link NonFiniteLossError} naming the step and the part,
 * and the models (batch-norm statistics included) and the optimizers keep the
 * state of the last finite update. After each generator step the losses are
 * passed to `onStep`. No tensors are leaked: after
 * the optimizers' first step made their state, `tf.memory().numTensors` stays
 * the same however many steps run, and a call that throws (bad data, a loss or
 * a callback that throws) leaves it as it found it; optimizers made here are
 * disposed either way.
 *
 * @param models - The generator and the discriminator, e.g. the result of {@link "tfjs-generative/gan"!buildDCGAN | buildDCGAN}; see {@link GANModels}.
 * @param data - Real examples, in the discriminator's input shape and range (e.g. [-1, 1] for a tanh generator). See {@link TrainingData}.
 * @param options - Loss, schedule, optimizers, callbacks; see {@link TrainGANOptions}.
 * @returns Steps and epochs done, why training stopped (`'completed'`,
 *   `'aborted'` or `'data-exhausted'`), and the loss history.
 * @throws {@link ValueError} for invalid options or a batch whose shape does not
 *   fit the discriminator; {@link NonFiniteLossError} when a loss or a gradient is not finite (before the update).
 *   On the stock wasm backend, a missing-kernel error says to call `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { buildDCGAN, trainGAN } from 'tfjs-generative';
 * const gan = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 16, seed: 1 });
 * const images = tf.randomUniform([64, 8, 8, 1], -1, 1); // [N, 8, 8, 1]
 * const result = await trainGAN(gan, images, { batchSize: 16, steps: 4, seed: 1 });
 * console.log(result.steps, result.history.generatorLoss.length); // 4 4
 * ```
 *
 * @category Training
 */
export function trainGAN(models: GANModels, data: TrainingData, options?: TrainGANOptions): Promise<TrainGANResult>;
/**
 * The former one-argument form: models, data and options in one bag. It
 * trains exactly as `trainGAN({ generator, discriminator }, data, options)`.
 *
 * @param options - Models, data, loss and schedule; see {@link LegacyTrainGANOptions}.
 * @returns Steps and epochs done, why training stopped, and the loss history.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { buildDCGAN, trainGAN } from 'tfjs-generative';
 * const { generator, discriminator } = buildDCGAN({ imageSize: 8, channels: 1, latentDim: 16, seed: 1 });
 * const data = tf.randomUniform([64, 8, 8, 1], -1, 1); // [N, 8, 8, 1]
 * const result = await trainGAN({ generator, discriminator, data, batchSize: 16, steps: 4, seed: 1 });
 * console.log(result.steps); // 4
 * ```
 *
 * @deprecated Use `trainGAN({ generator, discriminator }, data, options)`; this form is removed in 0.4.0.
 * @category Training
 */
export function trainGAN(options: LegacyTrainGANOptions): Promise<TrainGANResult>;
export async function trainGAN(...args: unknown[]): Promise<TrainGANResult> {
  const call = resolveCallShape(FN, args, 'models', KEYS, LEGACY_KEYS);
  if (call.form === 'deprecated') {
    const { generator, discriminator, data, ...options } = call.bag as LegacyTrainGANOptions;
    return train({ generator, discriminator }, data, options);
  }
  const { generator, discriminator } = call.models as GANModels;
  return train({ generator, discriminator }, call.data, call.options as TrainGANOptions);
}

async function train(models: GANModels, data: unknown, options: TrainGANOptions): Promise<TrainGANResult> {
  const { signal, onStep, onEpochEnd } = options;
  const generator = checkLayersModel(FN, 'generator', models.generator);
  const discriminator = checkLayersModel(FN, 'discriminator', models.discriminator);
  const losses = resolveLoss(options.loss ?? 'non-saturating');
  const schedule = resolveSchedule(FN, options.epochs, options.steps);
  const batchSize = checkPositiveInt(FN, 'batchSize', options.batchSize ?? 64);
  const wganGP = options.loss === 'wgan-gp';
  const discriminatorSteps = checkPositiveInt(FN, 'discriminatorSteps', options.discriminatorSteps ?? (wganGP ? 5 : 1));
  const seed = checkOptionalSeed(FN, 'seed', options.seed);
  const shuffle = checkBoolean(FN, 'shuffle', options.shuffle ?? true);
  checkCallbacks(FN, options, ['onStep', 'onEpochEnd']);
  const yieldTo = checkYieldMode(FN, 'yieldTo', options.yieldTo);
  const givenGeneratorOptimizer = checkOptimizer(FN, 'generatorOptimizer', options.generatorOptimizer);
  const givenDiscriminatorOptimizer = checkOptimizer(FN, 'discriminatorOptimizer', options.discriminatorOptimizer);
  const checkpointSettings = checkCheckpointOption(FN, options.checkpoint);
  const latentDim = latentDimOf(FN, generator);
  const classes = classCountOf(FN, generator);
  const labels = options.labels;
  if ((classes === null) !== (labels === undefined)) {
    throw new ValueError(
      classes === null
        ? `${FN}: \`labels\` were given, but the generator is not conditional (it takes no labels).`
        : `${FN}: the generator is conditional (${classes} classes); pass \`labels\`, the class of each example of \`data\`.`,
    );
  }
  if (labels !== undefined) {
    if (!(labels instanceof tf.Tensor)) throw invalidField(FN, 'labels', 'a tensor of class ids [N]', labels);
    const values = await labels.data(); // never dataSync: it stalls webgl and webgpu
    const bad = values.findIndex((c) => !Number.isInteger(c) || c < 0 || c >= classes!);
    if (bad >= 0) throw invalidField(FN, 'labels', `class ids that are integers in [0, ${classes})`, `${values[bad]} at index ${bad}`);
  }
  const conditionOn = (x: tf.Tensor, y: tf.Tensor | null): tf.Tensor | tf.Tensor[] => (y === null ? x : [x, y]);
  // An AC-GAN discriminator takes images only and also returns class logits [B, K].
  const auxiliary = discriminator.outputs.length === 2;
  const dTakesLabels = discriminator.inputs.length === 2;
  if (auxiliary && classes === null) throw invalidField(FN, 'discriminator', 'one output unless the generator is conditional', `${discriminator.outputs.length} outputs`);
  /** Adversarial logits, and the class loss of `y` when the discriminator classifies. */
  const judge = (x: tf.Tensor, y: tf.Tensor | null): { logits: tf.Tensor; classLoss: tf.Scalar | null } => {
    const out = discriminator.apply(dTakesLabels ? conditionOn(x, y) : x, { training: true }) as tf.Tensor | tf.Tensor[];
    if (!auxiliary) return { logits: out as tf.Tensor, classLoss: null };
    const [logits, classLogits] = out as tf.Tensor[];
    return { logits: logits!, classLoss: sparseCategoricalCrossEntropyFromLogits(tf.reshape(y!, [-1]), classLogits!) };
  };
  const exampleShape = discriminator.inputs[0]!.shape.slice(1); // […] without B
  const generatedShape = generator.outputs[0]!.shape.slice(1);
  if (formatShape(exampleShape) !== formatShape(generatedShape)) {
    throw new ValueError(
      `${FN}: the generator's output shape ${formatShape(generator.outputs[0]!.shape)} does not match the discriminator's input shape ${formatShape(discriminator.inputs[0]!.shape)}.`,
    );
  }
  const defaultOptimizer = () => (wganGP ? tf.train.adam(1e-4, 0, 0.9) : tf.train.adam(2e-4, 0.5, 0.999));
  const rng = keyedSeedSource(seed);
  const gVars = generator.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = discriminator.trainableWeights.map((w) => w.read() as tf.Variable);
  const state = forwardState([generator, discriminator]);

  // Everything allocated from here on is freed in the `finally` below, on success and on throw.
  let labelIds: tf.Tensor | undefined;
  let source: BatchSource | undefined;
  let generatorOptimizer: OwnedOptimizer | undefined;
  let discriminatorOptimizer: OwnedOptimizer | undefined;
  let pending: Float32Array[] = []; // discriminator stats of the current cycle
  try {
    labelIds = labels === undefined ? undefined : tf.cast(labels, 'int32'); // [N]
    source = batchSource(FN, 'data', data, { batchSize, exampleRank: exampleShape.length, shuffle, rng, ...optional('labels', labelIds) });
    generatorOptimizer = ownedOptimizer(givenGeneratorOptimizer, defaultOptimizer);
    discriminatorOptimizer = ownedOptimizer(givenDiscriminatorOptimizer, defaultOptimizer);
    const dOptimizer = discriminatorOptimizer.optimizer;
    const gOptimizer = generatorOptimizer.optimizer;
    const checkpoint = await openCheckpoints(FN, checkpointSettings, {
      loop: FN,
      models: { generator, discriminator },
      optimizers: { generator: gOptimizer, discriminator: dOptimizer },
      rng,
      seedGiven: seed !== undefined,
      setup: {
        batchSize,
        discriminatorSteps,
        loss: typeof options.loss === 'string' ? options.loss : options.loss === undefined ? 'non-saturating' : 'custom',
        shuffle,
        examples: data instanceof tf.Tensor ? formatShape(data.shape) : null,
      },
    }, releaseBatch);

    // One guarded discriminator update; resolves to [loss, mean D(x), mean D(G(z)), mean σ(D(x)), mean σ(D(G(z)))].
    const discriminatorStep = async (real: tf.Tensor, realLabels: tf.Tensor | null, step: number, epoch: number): Promise<Float32Array> => {
      const made: tf.Tensor[] = [];
      try {
        const n = real.shape[0]!;
        const yReal = realLabels === null ? null : tf.reshape(realLabels, [n, 1]);
        if (yReal !== null) made.push(yReal);
        // With a penalty, generated examples take the real batch's classes, so that each
        // interpolate x̂_b = ε real_b + (1 - ε) fake_b has one class (Gulrajani et al.'s
        // penalty, conditioned): the critic's gradient is taken at (x̂_b, y_b).
        const sharedLabels = yReal !== null && losses.penalty !== undefined;
        const yFake = classes === null ? null : sharedLabels ? yReal : randomLabels(n, classes, rng.nextSeed());
        if (yFake !== null && yFake !== yReal) made.push(yFake);
        const latentSeed = rng.nextSeed();
        const penaltySeed = losses.penalty === undefined ? undefined : rng.nextSeed();
        return await guardedUpdate(
          dOptimizer,
          () => {
            // Made inside the update so that a failed update also puts back the generator's
            // batch-norm statistics; only the discriminator's variables are differentiated.
            const fake = generator.apply(conditionOn(randomLatents(n, latentDim, latentSeed), yFake), { training: true }) as tf.Tensor;
            const realJudged = judge(real, yReal);
            const fakeJudged = judge(fake, yFake);
            const realLogits = realJudged.logits; // [B, …]
            const fakeLogits = fakeJudged.logits; // [B, …]
            let loss = losses.discriminator(realLogits, fakeLogits);
            if (realJudged.classLoss !== null) loss = tf.add(loss, tf.add(realJudged.classLoss, fakeJudged.classLoss!)) as tf.Scalar;
            if (losses.penalty !== undefined) {
              const penalty = dTakesLabels && yReal !== null ? losses.penalty(discriminator, real, fake, penaltySeed, yReal) : losses.penalty(discriminator, real, fake, penaltySeed);
              loss = tf.add(loss, penalty) as tf.Scalar;
            }
            const report = tf.stack([tf.mean(realLogits), tf.mean(fakeLogits), tf.mean(tf.sigmoid(realLogits)), tf.mean(tf.sigmoid(fakeLogits))]) as tf.Tensor1D;
            return { loss, report };
          },
          dVars,
          { fn: FN, step, epoch, loss: 'discriminator loss' },
          state,
        );
      } finally {
        tf.dispose(made);
      }
    };

    // One guarded generator update; resolves to [loss].
    const generatorStep = (n: number, step: number, epoch: number): Promise<Float32Array> =>
      guardedUpdate(
        gOptimizer,
        () => {
          const y = classes === null ? null : randomLabels(n, classes, rng.nextSeed());
          const fake = generator.apply(conditionOn(randomLatents(n, latentDim, rng.nextSeed()), y), { training: true }) as tf.Tensor;
          const judged = judge(fake, y);
          const loss = losses.generator(judged.logits);
          return judged.classLoss === null ? loss : (tf.add(loss, judged.classLoss) as tf.Scalar);
        },
        gVars,
        { fn: FN, step, epoch, loss: 'generator loss' },
        state,
      );

    const history: GANHistory = { discriminatorLoss: [], generatorLoss: [] };
    let sums = { d: 0, g: 0, real: 0, fake: 0, steps: 0 };
    const result = await runEpochs(FN, schedule, source, signal, {
      epochStart: (epoch) => {
        rng.at('epoch', epoch);
        sums = { d: 0, g: 0, real: 0, fake: 0, steps: 0 };
      },
      batch: async (batch, step, epoch) => {
        const n = batch.x.shape[0]!;
        rng.at('discriminator', step * discriminatorSteps + pending.length);
        try {
          checkBatchShape(FN, 'data', batch.x, exampleShape, step, "the discriminator's input");
          pending.push(await discriminatorStep(batch.x, batch.labels ?? null, step, epoch));
        } finally {
          releaseBatch(batch);
        }
        if (pending.length < discriminatorSteps) return false;

        rng.at('generator', step);
        const gValue = await generatorStep(n, step, epoch);
        const dValues = pending[0]!.map((_, i) => pending.reduce((sum, values) => sum + values[i]!, 0) / pending.length);
        pending = [];
        const info: GANStepInfo = {
          step,
          epoch,
          discriminatorLoss: dValues[0]!,
          generatorLoss: gValue[0]!,
          realScore: dValues[1]!,
          fakeScore: dValues[2]!,
          realProbability: dValues[3]!,
          fakeProbability: dValues[4]!,
        };
        history.discriminatorLoss.push(info.discriminatorLoss);
        history.generatorLoss.push(info.generatorLoss);
        sums.d += info.discriminatorLoss;
        sums.g += info.generatorLoss;
        sums.real += info.realScore;
        sums.fake += info.fakeScore;
        sums.steps++;
        if (onStep !== undefined) await onStep(info);
        return true;
      },
      epochEnd: async (epoch) => {
        if (onEpochEnd === undefined || sums.steps === 0) return;
        await onEpochEnd({
          epoch,
          steps: sums.steps,
          discriminatorLoss: sums.d / sums.steps,
          generatorLoss: sums.g / sums.steps,
          realScore: sums.real / sums.steps,
          fakeScore: sums.fake / sums.steps,
        });
      },
    }, yieldTo, checkpoint);
    return { ...result, stopReason: result.stopReason as TrainGANResult['stopReason'], history };
  } catch (error) {
    throw withKernelHint(error);
  } finally {
    source?.dispose();
    labelIds?.dispose();
    generatorOptimizer?.release();
    discriminatorOptimizer?.release();
  }
}

function resolveLoss(loss: unknown): GANLossPair {
  if (typeof loss === 'string') return ganLossPair(loss as GANLossName);
  const pair = loss as Partial<GANLossPair> | null;
  if (pair === null || typeof pair !== 'object' || typeof pair.discriminator !== 'function' || typeof pair.generator !== 'function') {
    throw invalidField(FN, 'loss', 'a loss name or { discriminator, generator } functions', loss);
  }
  return pair as GANLossPair;
}
