// CycleGAN training: Zhu, Park, Isola & Efros 2017, "Unpaired Image-to-Image Translation using
// Cycle-Consistent Adversarial Networks", https://arxiv.org/abs/1703.10593 — least-squares
// adversarial losses (Mao et al. 2016), cycle consistency (λ = 10), identity mapping (0.5·λ),
// a history pool of 50 generated images per discriminator (Shrivastava et al. 2017), Adam
// lr 2e-4, β1 0.5. Port of the step of the authors' code (junyanz/pytorch-CycleGAN-and-pix2pix,
// models/cycle_gan_model.py: optimize_parameters): both generators in one step, then both
// discriminators.
//
// Legend: B batch, S image size, C channels, P patch-map size.
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField, ValueError } from '../_internal/errors.js';
import { withKernelHint } from '../_internal/kernelHint.js';
import { seedSource } from '../_internal/random.js';
import { checkBoolean, checkLayersModel, checkNonNegativeInt, checkNonNegativeNumber, checkOptionalSeed, checkPositiveInt, formatShape } from '../_internal/validate.js';
import { cycleConsistencyLoss } from '../losses/cycleConsistencyLoss.js';
import { identityLoss } from '../losses/identityLoss.js';
import { leastSquaresDiscriminatorLoss } from '../losses/leastSquaresDiscriminatorLoss.js';
import { leastSquaresGeneratorLoss } from '../losses/leastSquaresGeneratorLoss.js';
import { batchSource, pairedSources, releaseBatch, type BatchSource, type PairedSources } from './_batches.js';
import { imagePool } from './_imagePool.js';
import { checkBatchShape, checkCallbacks, checkOptimizer, forwardState, guardedUpdate, ownedOptimizer, resolveCallShape, resolveSchedule, runEpochs, type OwnedOptimizer } from './_loop.js';
import { checkYieldMode, type YieldMode } from '../_internal/yieldControl.js';
import type { StopReason, TrainingData } from './types.js';

/**
 * What {@link trainCycleGAN} reports after each step (one generator update,
 * then one update of both discriminators). Image losses are mean absolute
 * errors per element, unweighted; adversarial losses are the least-squares
 * ones, `E[(D(·) − 1)²]` for a generator and `½E[(D(real) − 1)²] + ½E[D(fake)²]`
 * for a discriminator.
 *
 * @category Training
 */
export interface CycleGANStepInfo {
  /** Zero-based index of the step just completed. */
  step: number;
  /** Zero-based index of the current epoch (a pass over domain A). */
  epoch: number;
  /** The generators' objective: adversarial + `cycleWeight` · cycle + `identityWeight` · identity losses. */
  generatorLoss: number;
  /** `E[(D_B(G_AB(a)) − 1)²]`: how far G_AB's images are from fooling D_B. */
  adversarialLossAB: number;
  /** `E[(D_A(G_BA(b)) − 1)²]`: how far G_BA's images are from fooling D_A. */
  adversarialLossBA: number;
  /** Cycle L1 error on domain A, `mean |G_BA(G_AB(a)) − a|`, before this step's update. */
  cycleLossA: number;
  /** Cycle L1 error on domain B, `mean |G_AB(G_BA(b)) − b|`, before this step's update. */
  cycleLossB: number;
  /** Identity L1 error `mean |G_BA(a) − a|`, or `null` when `identityWeight` is 0 (not computed). */
  identityLossA: number | null;
  /** Identity L1 error `mean |G_AB(b) − b|`, or `null` when `identityWeight` is 0 (not computed). */
  identityLossB: number | null;
  /** Least-squares loss of D_A: real A images against pooled G_BA images. */
  discriminatorLossA: number;
  /** Least-squares loss of D_B: real B images against pooled G_AB images. */
  discriminatorLossB: number;
}

/**
 * The losses of every step of a {@link trainCycleGAN} run.
 *
 * @category Training
 */
export interface CycleGANHistory {
  /** Generator objective of each step. */
  generatorLoss: number[];
  /** Cycle L1 error on domain A of each step. */
  cycleLossA: number[];
  /** Cycle L1 error on domain B of each step. */
  cycleLossB: number[];
  /** D_A's loss of each step. */
  discriminatorLossA: number[];
  /** D_B's loss of each step. */
  discriminatorLossB: number[];
}

/**
 * The four models {@link trainCycleGAN} trains: those {@link "tfjs-generative/gan"!buildCycleGAN | buildCycleGAN}
 * returns (other fields of that object, such as `dispose`, are ignored), or
 * any with the same contract.
 *
 * @category Training
 */
export interface CycleGANModels {
  /** G: domain A images `[B, S, S, C]` → domain B images. */
  readonly generatorAB: tfl.LayersModel;
  /** F: domain B images → domain A images `[B, S, S, C]`. */
  readonly generatorBA: tfl.LayersModel;
  /** D_A: domain A images → logits `[B, …]` (a patch map for a PatchGAN). */
  readonly discriminatorA: tfl.LayersModel;
  /** D_B: domain B images → logits `[B, …]`. */
  readonly discriminatorB: tfl.LayersModel;
}

/**
 * The unpaired images of the two domains {@link trainCycleGAN} trains on.
 *
 * @category Training
 */
export interface CycleGANData {
  /** Images of domain A, in the generators' range (e.g. [-1, 1] for tanh). See {@link TrainingData}. An epoch is a pass over `a`. */
  readonly a: TrainingData;
  /** Images of domain B, unpaired with `a`; drawn in their own order and restarted when they run out. See {@link TrainingData}. */
  readonly b: TrainingData;
}

/**
 * What {@link trainCycleGAN} reports at the end of each epoch: the means of
 * the epoch's steps.
 *
 * @category Training
 */
export interface CycleGANEpochInfo {
  /** Zero-based index of the epoch just completed (a pass over domain A). */
  epoch: number;
  /** Steps in this epoch. */
  steps: number;
  /** Mean generator objective over the epoch. */
  generatorLoss: number;
  /** Mean cycle L1 error on domain A. */
  cycleLossA: number;
  /** Mean cycle L1 error on domain B. */
  cycleLossB: number;
  /** Mean loss of D_A. */
  discriminatorLossA: number;
  /** Mean loss of D_B. */
  discriminatorLossB: number;
}

/**
 * Options of {@link trainCycleGAN}.
 *
 * @category Training
 */
export interface TrainCycleGANOptions {
  /** Number of passes over `dataA`. Cannot be combined with `steps`. Defaults to `1` when `steps` is not given. */
  epochs?: number;
  /** Number of steps to run, cycling through the data as needed. Cannot be combined with `epochs`. */
  steps?: number;
  /** Images per batch of each domain when the data are tensors of examples. Defaults to `1` (the paper's). */
  batchSize?: number;
  /** Weight λ of the cycle-consistency losses. Defaults to `10`. */
  cycleWeight?: number;
  /** Weight of the identity losses; `0` skips them (and their forward passes). Defaults to `0.5 · cycleWeight` (the paper's 0.5·λ). */
  identityWeight?: number;
  /** Optimizer of both generators; one made by default is disposed at the end of the call. Defaults to `tf.train.adam(2e-4, 0.5, 0.999)`. */
  generatorOptimizer?: tf.Optimizer;
  /** Optimizer of both discriminators. Defaults to `tf.train.adam(2e-4, 0.5, 0.999)`. */
  discriminatorOptimizer?: tf.Optimizer;
  /** Generated images kept per discriminator in the history pool; `0` disables the pool. Defaults to `50`. */
  poolSize?: number;
  /** Shuffle tensors of examples every epoch. Defaults to `true`. */
  shuffle?: boolean;
  /** Seed of the shuffling and of the pool's draws; the same seed and initial weights give the same run. Defaults to unseeded. */
  seed?: number;
  /** Called after every step; may be async (training waits for it). */
  onStep?: (info: CycleGANStepInfo) => void | Promise<void>;
  /** Called after every epoch (a pass over domain A); may be async (training waits for it). */
  onEpochEnd?: (info: CycleGANEpochInfo) => void | Promise<void>;
  /** Stops training after the current step when aborted; `trainCycleGAN` then resolves with `stopReason: 'aborted'`. */
  signal?: AbortSignal;
  /**
   * Where training yields between steps, so that timers, UI, I/O and an outside
   * `signal.abort()` run: `'task'` (the event loop), `'frame'` (the next animation
   * frame in a browser), `'none'` (never: nothing else runs until training ends).
   * Defaults to `'task'`.
   */
  yieldTo?: YieldMode;
}

/**
 * The single options bag of the former `trainCycleGAN(options)` form: the four
 * models and the data of both domains inside the options.
 *
 * @deprecated Use `trainCycleGAN(cycleGAN, { a, b }, options)`; this form is removed in 0.4.0.
 * @category Training
 */
export interface LegacyTrainCycleGANOptions extends TrainCycleGANOptions, CycleGANModels {
  /** Images of domain A. See {@link TrainingData}. An epoch is a pass over `dataA`. */
  dataA: TrainingData;
  /** Images of domain B, unpaired with `dataA`. See {@link TrainingData}. */
  dataB: TrainingData;
}

/**
 * What {@link trainCycleGAN} resolves to.
 *
 * @category Training
 */
export interface TrainCycleGANResult {
  /** Steps completed. */
  steps: number;
  /** Epochs (passes over domain A) completed. */
  epochs: number;
  /** Why training stopped: `'completed'`, `'aborted'` or `'data-exhausted'`. */
  stopReason: Extract<StopReason, 'completed' | 'aborted' | 'data-exhausted'>;
  /** Per-step losses. */
  history: CycleGANHistory;
}

const FN = 'trainCycleGAN';
const MODELS = ['generatorAB', 'generatorBA', 'discriminatorA', 'discriminatorB'] as const;
const KEYS = [
  'epochs',
  'steps',
  'batchSize',
  'cycleWeight',
  'identityWeight',
  'generatorOptimizer',
  'discriminatorOptimizer',
  'poolSize',
  'shuffle',
  'seed',
  'onStep',
  'onEpochEnd',
  'signal',
  'yieldTo',
] as const;
const LEGACY_KEYS = [...MODELS, 'dataA', 'dataB', ...KEYS] as const;

/**
 * Trains a CycleGAN (Zhu et al. 2017) on unpaired images of two domains.
 *
 * Each step takes a batch `a` of domain A and a batch `b` of domain B and
 * 1. updates both generators together on
 *    `E[(D_B(G_AB(a)) − 1)²] + E[(D_A(G_BA(b)) − 1)²]`
 *    `+ cycleWeight · (|G_BA(G_AB(a)) − a| + |G_AB(G_BA(b)) − b|)`
 *    `+ identityWeight · (|G_BA(a) − a| + |G_AB(b) − b|)` (L1 means), the
 *    least-squares generator loss ({@link leastSquaresGeneratorLoss}, times 2
 *    to be the authors' mean squared error, so the weights mean what they mean
 *    in the paper), {@link cycleConsistencyLoss} and {@link identityLoss};
 * 2. passes the generated images through a history pool per domain (of
 *    `poolSize` images: once full, each image is swapped with probability ½
 *    for a stored older one, Shrivastava et al. 2017);
 * 3. updates both discriminators on {@link leastSquaresDiscriminatorLoss}:
 *    real images against the pooled generated ones.
 *
 * The loss and the gradients of every update are checked before the update
 * is applied: a NaN or infinite one stops training with a
 * {@link NonFiniteLossError} naming the step and the part, and the models and
 * the optimizers keep the state of the last finite update. The losses are
 * then passed to `onStep`. The pools' images are freed at the end; optimizers made here are disposed. No
 * tensors are leaked: after the optimizers' first step made their state,
 * `tf.memory().numTensors` is the same after the call as before, also when
 * the call throws.
 *
 * @param cycleGAN - The four models, e.g. the result of {@link "tfjs-generative/gan"!buildCycleGAN | buildCycleGAN}; see {@link CycleGANModels}.
 * @param data - The images of both domains, `{ a, b }`; see {@link CycleGANData}.
 * @param options - Weights, schedule, optimizers, callbacks; see {@link TrainCycleGANOptions}.
 * @returns Steps and epochs done, why training stopped (`'completed'`,
 *   `'aborted'` or `'data-exhausted'`), and the loss history.
 * @throws {@link ValueError} for invalid options, models whose shapes do not
 *   chain, or a batch of the wrong shape; {@link NonFiniteLossError} when a loss or a gradient is not finite (before the update).
 *   On the stock wasm backend, a missing-kernel error says to call `registerWasmKernels()`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { buildCycleGAN, trainCycleGAN } from 'tfjs-generative';
 * const cycleGAN = buildCycleGAN({ imageSize: 8, channels: 1, residualBlocks: 1, generatorFilters: 4, discriminatorFilters: 4, seed: 1 });
 * const a = tf.randomUniform([16, 8, 8, 1], -1, 1); // [N, 8, 8, 1]
 * const b = tf.neg(a); // the other domain, here the negatives
 * const result = await trainCycleGAN(cycleGAN, { a, b }, { batchSize: 4, steps: 2, seed: 1 });
 * console.log(result.steps, result.history.cycleLossA.length); // 2 2
 * ```
 *
 * @category Training
 */
export function trainCycleGAN(cycleGAN: CycleGANModels, data: CycleGANData, options?: TrainCycleGANOptions): Promise<TrainCycleGANResult>;
/**
 * The former one-argument form: models, data and options in one bag. It
 * trains exactly as `trainCycleGAN(cycleGAN, { a: dataA, b: dataB }, options)`.
 *
 * @param options - Models, data, weights and schedule; see {@link LegacyTrainCycleGANOptions}.
 * @returns Steps and epochs done, why training stopped, and the loss history.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { buildCycleGAN, trainCycleGAN } from 'tfjs-generative';
 * const cycleGAN = buildCycleGAN({ imageSize: 8, channels: 1, residualBlocks: 1, generatorFilters: 4, discriminatorFilters: 4, seed: 1 });
 * const dataA = tf.randomUniform([16, 8, 8, 1], -1, 1); // [N, 8, 8, 1]
 * const result = await trainCycleGAN({ ...cycleGAN, dataA, dataB: tf.neg(dataA), batchSize: 4, steps: 2, seed: 1 });
 * console.log(result.steps); // 2
 * ```
 *
 * @deprecated Use `trainCycleGAN(cycleGAN, { a, b }, options)`; this form is removed in 0.4.0.
 * @category Training
 */
export function trainCycleGAN(options: LegacyTrainCycleGANOptions): Promise<TrainCycleGANResult>;
export async function trainCycleGAN(...args: unknown[]): Promise<TrainCycleGANResult> {
  const call = resolveCallShape(FN, args, 'cycleGAN', KEYS, LEGACY_KEYS);
  if (call.form === 'deprecated') {
    const { generatorAB, generatorBA, discriminatorA, discriminatorB, dataA, dataB, ...options } = call.bag as LegacyTrainCycleGANOptions;
    return train({ generatorAB, generatorBA, discriminatorA, discriminatorB }, [dataA, 'dataA'], [dataB, 'dataB'], options);
  }
  checkConfigObject(FN, call.data, 'data');
  checkKnownKeys(FN, call.data as object, ['a', 'b'], 'data');
  const { generatorAB, generatorBA, discriminatorA, discriminatorB } = call.models as CycleGANModels;
  const { a, b } = call.data as CycleGANData;
  return train({ generatorAB, generatorBA, discriminatorA, discriminatorB }, [a, 'data.a'], [b, 'data.b'], call.options as TrainCycleGANOptions);
}

/** One domain's data and the name the user gave it (`data.a` or, in the former form, `dataA`). */
type NamedData = readonly [data: unknown, field: string];

async function train(models: CycleGANModels, [dataA, fieldA]: NamedData, [dataB, fieldB]: NamedData, options: TrainCycleGANOptions): Promise<TrainCycleGANResult> {
  for (const field of MODELS) checkModel(field, models[field]);
  const { generatorAB, generatorBA, discriminatorA, discriminatorB } = models;
  const { signal, onStep, onEpochEnd } = options;
  const schedule = resolveSchedule(FN, options.epochs, options.steps);
  const batchSize = checkPositiveInt(FN, 'batchSize', options.batchSize ?? 1);
  const cycleWeight = checkNonNegativeNumber(FN, 'cycleWeight', options.cycleWeight ?? 10);
  const identityWeight = checkNonNegativeNumber(FN, 'identityWeight', options.identityWeight ?? 0.5 * cycleWeight);
  const poolSize = checkNonNegativeInt(FN, 'poolSize', options.poolSize ?? 50);
  const seed = checkOptionalSeed(FN, 'seed', options.seed);
  const shuffle = checkBoolean(FN, 'shuffle', options.shuffle ?? true);
  checkCallbacks(FN, options, ['onStep', 'onEpochEnd']);
  const yieldTo = checkYieldMode(FN, 'yieldTo', options.yieldTo);
  const givenGeneratorOptimizer = checkOptimizer(FN, 'generatorOptimizer', options.generatorOptimizer);
  const givenDiscriminatorOptimizer = checkOptimizer(FN, 'discriminatorOptimizer', options.discriminatorOptimizer);

  // The four models must chain: A → G_AB → B → G_BA → A, D_A on A, D_B on B.
  const shapeA = inputShape(generatorAB);
  const shapeB = inputShape(generatorBA);
  const chain: [string, readonly (number | null)[], string, readonly (number | null)[]][] = [
    ["generatorAB's output", outputShape(generatorAB), "generatorBA's input", shapeB],
    ["generatorBA's output", outputShape(generatorBA), "generatorAB's input", shapeA],
    ["discriminatorA's input", inputShape(discriminatorA), "generatorAB's input", shapeA],
    ["discriminatorB's input", inputShape(discriminatorB), "generatorBA's input", shapeB],
  ];
  for (const [what, shape, against, expected] of chain) {
    if (formatShape(shape) !== formatShape(expected)) {
      throw new ValueError(`${FN}: the models do not chain: ${what} ${formatShape([null, ...shape])} differs from ${against} ${formatShape([null, ...expected])}.`);
    }
  }
  if (identityWeight > 0 && formatShape(shapeA) !== formatShape(shapeB)) {
    throw new ValueError(
      `${FN}: the identity loss needs domains of one shape, received A ${formatShape([null, ...shapeA])} and B ${formatShape([null, ...shapeB])}; pass identityWeight: 0.`,
    );
  }

  const rng = seedSource(seed);
  const gVars = [...generatorAB.trainableWeights, ...generatorBA.trainableWeights].map((w) => w.read() as tf.Variable);
  const dVars = [...discriminatorA.trainableWeights, ...discriminatorB.trainableWeights].map((w) => w.read() as tf.Variable);
  const state = forwardState([generatorAB, generatorBA, discriminatorA, discriminatorB]);
  const useIdentity = identityWeight > 0;

  // Everything allocated from here on is freed in the `finally` below, on success and on throw.
  const sources: BatchSource[] = [];
  let pairs: PairedSources | undefined;
  let generatorOptimizer: OwnedOptimizer | undefined;
  let discriminatorOptimizer: OwnedOptimizer | undefined;
  const poolA = imagePool(poolSize, rng); // G_BA's images, for D_A
  const poolB = imagePool(poolSize, rng); // G_AB's images, for D_B
  try {
    sources.push(batchSource(FN, fieldA, dataA, { batchSize, exampleRank: shapeA.length, shuffle, rng }));
    sources.push(batchSource(FN, fieldB, dataB, { batchSize, exampleRank: shapeB.length, shuffle, rng }));
    // Domain B is drawn in its own order, restarted when it runs out.
    pairs = pairedSources(FN, sources[0]!, sources[1]!);
    generatorOptimizer = ownedOptimizer(givenGeneratorOptimizer, () => tf.train.adam(2e-4, 0.5, 0.999));
    discriminatorOptimizer = ownedOptimizer(givenDiscriminatorOptimizer, () => tf.train.adam(2e-4, 0.5, 0.999));
    const gOptimizer = generatorOptimizer.optimizer;
    const dOptimizer = discriminatorOptimizer.optimizer;

    // Both generators, one guarded update: resolves to [objective, adversarial AB, adversarial BA,
    // cycle A, cycle B, identity A, identity B]; `made` receives the generated images.
    const generatorStep = async (realA: tf.Tensor, realB: tf.Tensor, made: tf.Tensor[], step: number, epoch: number) => {
      let fakeA: tf.Tensor | undefined;
      let fakeB: tf.Tensor | undefined;
      try {
        const values = await guardedUpdate(
          gOptimizer,
          () => {
            const fB = generatorAB.apply(realA, { training: true }) as tf.Tensor; // G_AB(a) [B, S, S, C]
            const fA = generatorBA.apply(realB, { training: true }) as tf.Tensor; // G_BA(b) [B, S, S, C]
            // 2·½E[(D − 1)²]: the authors' MSE against the "real" target 1.
            const advAB = tf.mul(2, leastSquaresGeneratorLoss(discriminatorB.apply(fB, { training: true }) as tf.Tensor)); // [B, P, P, 1] → []
            const advBA = tf.mul(2, leastSquaresGeneratorLoss(discriminatorA.apply(fA, { training: true }) as tf.Tensor));
            const cycleA = cycleConsistencyLoss(realA, generatorBA.apply(fB, { training: true }) as tf.Tensor);
            const cycleB = cycleConsistencyLoss(realB, generatorAB.apply(fA, { training: true }) as tf.Tensor);
            let loss = tf.add(tf.add(advAB, advBA), tf.mul(cycleWeight, tf.add(cycleA, cycleB)));
            let idA: tf.Tensor = tf.scalar(0);
            let idB: tf.Tensor = tf.scalar(0);
            if (useIdentity) {
              idA = identityLoss(realA, generatorBA.apply(realA, { training: true }) as tf.Tensor);
              idB = identityLoss(realB, generatorAB.apply(realB, { training: true }) as tf.Tensor);
              loss = tf.add(loss, tf.mul(identityWeight, tf.add(idA, idB)));
            }
            fakeA = tf.keep(fA);
            fakeB = tf.keep(fB);
            return { loss: loss as tf.Scalar, report: tf.stack([advAB, advBA, cycleA, cycleB, idA, idB]) as tf.Tensor1D };
          },
          gVars,
          { fn: FN, step, epoch, loss: 'generator loss' },
          state,
        );
        return { values, fakeA: fakeA!, fakeB: fakeB! };
      } finally {
        // Kept inside the loss, so freed by the caller: also when the update failed.
        made.push(...[fakeA, fakeB].filter((t): t is tf.Tensor => t !== undefined));
      }
    };

    // Both discriminators in one guarded update (their parameters are disjoint, so this is two
    // updates): resolves to [objective, loss A, loss B].
    const discriminatorStep = (realA: tf.Tensor, realB: tf.Tensor, pooledA: tf.Tensor, pooledB: tf.Tensor, step: number, epoch: number): Promise<Float32Array> =>
      guardedUpdate(
        dOptimizer,
        () => {
          const lossA = leastSquaresDiscriminatorLoss(
            discriminatorA.apply(realA, { training: true }) as tf.Tensor, // [B, P, P, 1]
            discriminatorA.apply(pooledA, { training: true }) as tf.Tensor,
          );
          const lossB = leastSquaresDiscriminatorLoss(
            discriminatorB.apply(realB, { training: true }) as tf.Tensor,
            discriminatorB.apply(pooledB, { training: true }) as tf.Tensor,
          );
          return { loss: tf.add(lossA, lossB) as tf.Scalar, report: tf.stack([lossA, lossB]) as tf.Tensor1D };
        },
        dVars,
        { fn: FN, step, epoch, loss: 'discriminator loss', reportNames: ['discriminator A loss', 'discriminator B loss'] },
        state,
      );

    const history: CycleGANHistory = { generatorLoss: [], cycleLossA: [], cycleLossB: [], discriminatorLossA: [], discriminatorLossB: [] };
    let sums = { generator: 0, cycleA: 0, cycleB: 0, discriminatorA: 0, discriminatorB: 0, steps: 0 };
    const result = await runEpochs(FN, schedule, pairs, signal, {
      epochStart: () => {
        sums = { generator: 0, cycleA: 0, cycleB: 0, discriminatorA: 0, discriminatorB: 0, steps: 0 };
      },
      batch: async ({ a, b }, step, epoch) => {
        const made: tf.Tensor[] = [];
        let gValues: Float32Array;
        let dValues: Float32Array;
        try {
          checkBatchShape(FN, fieldA, a.x, shapeA, step, "the models' images");
          checkBatchShape(FN, fieldB, b.x, shapeB, step, "the models' images");
          const g = await generatorStep(a.x, b.x, made, step, epoch);
          gValues = g.values;
          const pooledA = poolA.query(g.fakeA);
          made.push(pooledA);
          const pooledB = poolB.query(g.fakeB);
          made.push(pooledB);
          dValues = await discriminatorStep(a.x, b.x, pooledA, pooledB, step, epoch);
        } finally {
          tf.dispose(made);
          releaseBatch(a);
          releaseBatch(b);
        }
        const info: CycleGANStepInfo = {
          step,
          epoch,
          generatorLoss: gValues[0]!,
          adversarialLossAB: gValues[1]!,
          adversarialLossBA: gValues[2]!,
          cycleLossA: gValues[3]!,
          cycleLossB: gValues[4]!,
          identityLossA: useIdentity ? gValues[5]! : null,
          identityLossB: useIdentity ? gValues[6]! : null,
          discriminatorLossA: dValues[1]!,
          discriminatorLossB: dValues[2]!,
        };
        history.generatorLoss.push(info.generatorLoss);
        history.cycleLossA.push(info.cycleLossA);
        history.cycleLossB.push(info.cycleLossB);
        history.discriminatorLossA.push(info.discriminatorLossA);
        history.discriminatorLossB.push(info.discriminatorLossB);
        sums.generator += info.generatorLoss;
        sums.cycleA += info.cycleLossA;
        sums.cycleB += info.cycleLossB;
        sums.discriminatorA += info.discriminatorLossA;
        sums.discriminatorB += info.discriminatorLossB;
        sums.steps++;
        if (onStep !== undefined) await onStep(info);
        return true;
      },
      epochEnd: async (epoch) => {
        if (onEpochEnd === undefined || sums.steps === 0) return;
        const n = sums.steps;
        await onEpochEnd({
          epoch,
          steps: n,
          generatorLoss: sums.generator / n,
          cycleLossA: sums.cycleA / n,
          cycleLossB: sums.cycleB / n,
          discriminatorLossA: sums.discriminatorA / n,
          discriminatorLossB: sums.discriminatorB / n,
        });
      },
    }, yieldTo);
    return { ...result, stopReason: result.stopReason as TrainCycleGANResult['stopReason'], history };
  } catch (error) {
    throw withKernelHint(error);
  } finally {
    if (pairs !== undefined) await pairs.close();
    else for (const source of sources) source.dispose();
    poolA.dispose();
    poolB.dispose();
    generatorOptimizer?.release();
    discriminatorOptimizer?.release();
  }
}

function checkModel(field: string, model: unknown): void {
  const m = checkLayersModel(FN, field, model);
  if (m.inputs.length !== 1 || m.outputs.length !== 1) {
    throw invalidField(FN, field, 'a model with one input and one output', `${m.inputs.length} inputs and ${m.outputs.length} outputs`);
  }
}

const inputShape = (m: tfl.LayersModel): (number | null)[] => m.inputs[0]!.shape.slice(1); // […] without B
const outputShape = (m: tfl.LayersModel): (number | null)[] => m.outputs[0]!.shape.slice(1);
