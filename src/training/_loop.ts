/**
 * The contract every training loop shares: how long to train (epochs or
 * steps), the driver that counts steps and stops on abort, the stop on a
 * non-finite loss, the checks of callbacks, optimizers and batch shapes, and
 * the default optimizer a loop owns.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { describeValue, invalidField, NonFiniteLossError, ValueError } from '../_internal/errors.js';
import { checkPositiveInt, formatShape } from '../_internal/validate.js';
import { noCheckpoint, type LoopCheckpoint } from './_checkpoint.js';
import { yieldControl, type YieldMode } from '../_internal/yieldControl.js';
import type { StopReason } from './types.js';

export { checkCallbacks } from './checkCallbacks.js';

/** How a trainer was called: `(models, data, options?)`, or the deprecated one-bag form. @hidden */
export type CallShape =
  | { readonly form: 'current'; readonly models: object; readonly data: unknown; readonly options: object }
  | { readonly form: 'deprecated'; readonly bag: object };

/**
 * Tells the trainer's two call forms apart (one argument is the deprecated
 * bag) and checks the objects and their keys: `keys` for the options,
 * `legacyKeys` for the bag, `modelsField` names the first argument.
 * @hidden
 */
export function resolveCallShape(
  fn: string,
  args: readonly unknown[],
  modelsField: string,
  keys: readonly string[],
  legacyKeys: readonly string[],
): CallShape {
  if (args.length === 1) {
    const bag = args[0];
    checkConfigObject(fn, bag, 'options');
    checkKnownKeys(fn, bag as object, legacyKeys, 'options');
    return { form: 'deprecated', bag: bag as object };
  }
  const [models, data, options = {}] = args;
  checkConfigObject(fn, models, modelsField);
  checkConfigObject(fn, options, 'options');
  checkKnownKeys(fn, options as object, keys, 'options');
  return { form: 'current', models: models as object, data, options: options as object };
}

/**
 * The one optimizer rule: `undefined` (the loop makes its own), or an object
 * with an `applyGradients` function (a `tf.Optimizer` or anything shaped like
 * one: the loops compute and check the gradients, then apply them).
 * @hidden
 */
export function checkOptimizer(fn: string, field: string, value: unknown): tf.Optimizer | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || typeof (value as { applyGradients?: unknown }).applyGradients !== 'function') {
    throw invalidField(fn, field, 'a tf.Optimizer (an object with an applyGradients function)', value);
  }
  return value as tf.Optimizer;
}

/** An optimizer and how to let go of it. @hidden */
export interface OwnedOptimizer {
  readonly optimizer: tf.Optimizer;
  /** Disposes the optimizer if the loop made it; a caller's optimizer keeps its state. */
  release(): void;
}

/**
 * The caller's optimizer, or one made by `make` that the loop owns: its
 * state is unreachable after the call, so `release()` (called on success and
 * on throw) disposes it.
 * @hidden
 */
export function ownedOptimizer(given: tf.Optimizer | undefined, make: () => tf.Optimizer): OwnedOptimizer {
  if (given !== undefined) return { optimizer: given, release: () => {} };
  const optimizer = make();
  return { optimizer, release: () => optimizer.dispose() };
}

/**
 * Throws a ValueError when batch `x` does not have the rank and the fixed
 * dimensions of `[B, ...exampleShape]`; `what` says whose input that is.
 * @hidden
 */
export function checkBatchShape(
  fn: string,
  field: string,
  x: tf.Tensor,
  exampleShape: readonly (number | null)[],
  step: number,
  what: string,
): void {
  const ok = x.rank === exampleShape.length + 1 && exampleShape.every((d, i) => d === null || d === x.shape[i + 1]);
  if (!ok) {
    throw new ValueError(
      `${fn}: invalid \`${field}\` batch shape at step ${step}: expected ${formatShape([null, ...exampleShape])} (${what}), received ${formatShape(x.shape)}.`,
    );
  }
}

/** Where an update runs, for the messages of {@link guardedUpdate}. @hidden */
export interface UpdateSite {
  readonly fn: string;
  readonly step: number;
  readonly epoch: number;
  /** The loss this update minimizes, as messages name it: `'loss'`, `'discriminator loss'`, … */
  readonly loss: string;
  /** Names of the first `report` values, checked finite (before the loss) like it. */
  readonly reportNames?: readonly string[];
}

/** What the loss function of {@link guardedUpdate} returns: the loss, or the loss and values `[R]` to read with it. @hidden */
export type GuardedLoss = tf.Scalar | { readonly loss: tf.Scalar; readonly report: tf.Tensor1D };

const STOPPED =
  'training stopped before the update, so the weights are those of the last finite step. ' +
  'Lower the learning rate, check the data for NaN or unscaled values, or try another loss.';

/**
 * One optimizer update that is applied only when it is finite. Computes the
 * loss `f()` and its gradients with respect to `vars` (`tf.variableGrads`),
 * checks the loss and every gradient in one read (`await data()` of one
 * vector: the loss, the `report` values, and `Σ 0·g` per variable, which is 0
 * when `g` is finite and NaN otherwise), and only then applies the gradients
 * (`optimizer.applyGradients`). On a NaN or infinite loss or gradient it
 * throws a {@link NonFiniteLossError} naming the loop, the step and the part,
 * with the variables and the optimizer's state untouched; `state` (variables
 * the forward pass writes, such as batch-norm moving statistics) is put back
 * as it was before `f` ran, on this and on any other throw.
 *
 * Leaves no tensor behind when anything throws: tfjs frees the tensors its
 * gradient tape saved for the backward pass only when that pass completes,
 * so a loss (or a backward kernel) that throws would strand them; the tape is
 * read from `tf.engine().state`, whose type tfjs-core exports.
 *
 * @returns The loss followed by the `report` values.
 * @hidden
 */
export async function guardedUpdate(
  optimizer: tf.Optimizer,
  f: () => GuardedLoss,
  vars: tf.Variable[],
  site: UpdateSite,
  state: readonly tf.Variable[] = [],
): Promise<Float32Array> {
  const saved = state.map((v) => tf.clone(v));
  const owned: tf.Tensor[] = [...saved];
  const kept: { report?: tf.Tensor1D } = {};
  let applied = false;
  try {
    let grads: tf.NamedTensorMap;
    let value: tf.Scalar;
    try {
      ({ value, grads } = tf.variableGrads(() => {
        const out = f();
        const loss = out instanceof tf.Tensor ? out : out.loss;
        if (!(out instanceof tf.Tensor)) owned.push((kept.report = tf.keep(out.report)));
        owned.push(loss); // the forward pass's result: freed here also when the backward pass throws
        // Checked here, before the backward pass: tfjs checks it after, and then strands the gradients.
        if (!(loss instanceof tf.Tensor) || loss.rank !== 0) {
          throw new ValueError(`${site.fn}: the ${site.loss} must be a scalar, received ${loss instanceof tf.Tensor ? `a tensor of shape ${formatShape(loss.shape)}` : describeValue(loss)} at step ${site.step}.`);
        }
        return loss;
      }, vars));
    } catch (error) {
      const engine = tf.engine().state as { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
      if (engine.gradientDepth === 0) {
        for (const node of engine.activeTape ?? []) tf.dispose(node.saved ?? []);
      }
      throw error;
    }
    owned.push(...Object.values(grads));
    const report = kept.report ?? null;
    const names = Object.keys(grads);
    const checked = tf.tidy(() =>
      tf.concat([tf.reshape(value, [1]), ...(report === null ? [] : [report]), ...names.map((name) => tf.reshape(tf.sum(tf.mul(grads[name]!, 0)), [1]))]),
    ); // [1 + R + V]
    owned.push(checked);
    const values = (await checked.data()) as Float32Array;
    const reported = values.length - names.length;
    const named: Record<string, number> = {};
    (site.reportNames ?? []).forEach((name, i) => (named[name] = values[1 + i]!));
    checkFiniteLosses(site.fn, site.step, site.epoch, { ...named, [site.loss]: values[0]! });
    const bad = names.findIndex((_, i) => !Number.isFinite(values[reported + i]!));
    if (bad >= 0) {
      throw new NonFiniteLossError(
        `${site.fn}: the gradient of \`${names[bad]}\` (of the ${site.loss}) became NaN or infinite at step ${site.step} (epoch ${site.epoch}); ${STOPPED}`,
        site.step,
      );
    }
    optimizer.applyGradients(grads);
    applied = true;
    return values.slice(0, reported);
  } finally {
    if (!applied) saved.forEach((copy, i) => state[i]!.assign(copy));
    tf.dispose(owned);
  }
}

/**
 * The variables a forward pass in training mode writes (batch-norm moving
 * statistics: the models' non-trainable weights), for {@link guardedUpdate}
 * to put back when an update fails.
 * @hidden
 */
export function forwardState(models: readonly { readonly nonTrainableWeights: readonly { read(): tf.Tensor }[] }[]): tf.Variable[] {
  return models.flatMap((m) => m.nonTrainableWeights.map((w) => w.read() as tf.Variable));
}

/** @hidden */
export interface Schedule {
  /** Number of epochs to run, or Infinity when training by steps. */
  epochs: number;
  /** Number of steps to run, or Infinity when training by epochs. */
  steps: number;
}

/**
 * Resolves `epochs` / `steps` (exactly one may be given; neither means one epoch).
 * @hidden
 */
export function resolveSchedule(fn: string, epochs: unknown, steps: unknown): Schedule {
  if (epochs !== undefined && steps !== undefined) {
    throw new ValueError(
      `${fn}: \`epochs\` and \`steps\` cannot be combined: received epochs ${String(epochs)} and steps ${String(steps)}; give one.`,
    );
  }
  if (steps !== undefined) return { epochs: Infinity, steps: checkPositiveInt(fn, 'steps', steps) };
  return { epochs: checkPositiveInt(fn, 'epochs', epochs ?? 1), steps: Infinity };
}

/**
 * Throws a {@link NonFiniteLossError} naming the step and the first loss that
 * is NaN or infinite.
 * @hidden
 */
export function checkFiniteLosses(
  fn: string,
  step: number,
  epoch: number,
  losses: Readonly<Record<string, number>>,
): void {
  for (const [name, value] of Object.entries(losses)) {
    if (!Number.isFinite(value)) {
      throw new NonFiniteLossError(
        `${fn}: the ${name} became ${String(value)} at step ${step} (epoch ${epoch}); ${STOPPED}`,
        step,
      );
    }
  }
}

/** What a training loop does with its batches and epochs; the driver does the counting. @hidden */
export interface EpochHooks<B> {
  /** Called before each epoch's first batch. */
  epochStart?(epoch: number): void;
  /**
   * Handles one batch (and disposes it if owned). Resolves to `true` when it
   * completed a step (after reporting it: `step` is that step's index).
   */
  batch(batch: B, step: number, epoch: number): Promise<boolean>;
  /** Called after each epoch that had batches. */
  epochEnd?(epoch: number): Promise<void>;
}

/** @hidden */
export interface EpochLoopResult {
  steps: number;
  epochs: number;
  stopReason: StopReason;
}

/** Read through a function, so that TypeScript does not narrow `aborted` across the awaits of a loop. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/**
 * The epoch/step driver every batch-based training loop shares: epochs or
 * steps, a turn for the event loop after every batch (as `yieldTo` says, so
 * that timers, I/O and an outside abort run), stop on abort after the current
 * step, `'data-exhausted'` when a one-shot iterable runs dry, an error when
 * the data yields no batch at all. With a `checkpoint`, it starts at the
 * checkpoint's position (drawing and discarding the batches of that epoch
 * already used) and lets it save after each step and on return.
 * @hidden
 */
export async function runEpochs<B>(
  fn: string,
  schedule: Schedule,
  source: { epoch(): AsyncIterable<B>; readonly field: string },
  signal: AbortSignal | undefined,
  hooks: EpochHooks<B>,
  yieldTo: YieldMode,
  checkpoint: LoopCheckpoint<B> = noCheckpoint(),
): Promise<EpochLoopResult> {
  const { start } = checkpoint;
  // A signal aborted before the call runs nothing (a resumed run reports the restored position).
  if (isAborted(signal)) return { steps: start.step, epochs: start.epoch, stopReason: 'aborted' };
  let step = start.step;
  let epochs = start.epoch;
  if (step >= schedule.steps) return { steps: step, epochs, stopReason: 'completed' };
  let stopReason: StopReason = 'completed';
  outer: for (let epoch = start.epoch; epoch < schedule.epochs; epoch++) {
    hooks.epochStart?.(epoch);
    let batches = 0;
    const skip = epoch === start.epoch ? start.batch : 0;
    for await (const batch of source.epoch()) {
      batches++;
      if (batches <= skip) {
        checkpoint.discard(batch);
        continue;
      }
      const done = await hooks.batch(batch, step, epoch);
      // Between steps (and a GAN's critic updates): an abort from a timer or a handler lands here.
      await yieldControl(yieldTo);
      if (!done) continue;
      step++;
      await checkpoint.afterStep({ step, epoch, batch: batches });
      if (isAborted(signal)) {
        stopReason = 'aborted';
        break outer;
      }
      if (step >= schedule.steps) break outer;
    }
    if (batches === 0) {
      if (step === 0 && epoch === 0) throw new ValueError(`${fn}: invalid \`${source.field}\`: it yielded no batches.`);
      stopReason = 'data-exhausted';
      break;
    }
    epochs++;
    await hooks.epochEnd?.(epoch);
    if (isAborted(signal)) {
      stopReason = 'aborted';
      break;
    }
  }
  await checkpoint.end();
  return { steps: step, epochs, stopReason };
}

/**
 * Runs `step(index)` `steps` times through {@link runEpochs} (one endless
 * epoch), so that step counting and the stop on abort have one definition.
 * @hidden
 */
export async function runSteps(
  fn: string,
  steps: number,
  signal: AbortSignal | undefined,
  step: (index: number) => Promise<void>,
  yieldTo: YieldMode,
  checkpoint: LoopCheckpoint<undefined> = noCheckpoint(),
): Promise<{ steps: number; stopReason: StopReason }> {
  const endless = {
    field: 'steps',
    async *epoch(): AsyncGenerator<undefined> {
      for (;;) yield undefined;
    },
  };
  const result = await runEpochs(fn, { epochs: 1, steps }, endless, signal, {
    batch: async (_, index) => {
      await step(index);
      return true;
    },
  }, yieldTo, checkpoint);
  return { steps: result.steps, stopReason: result.stopReason };
}
