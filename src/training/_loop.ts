/**
 * Pieces every training loop shares: how long to train (epochs or steps),
 * the stop on a non-finite loss, and the summary returned at the end.
 */
import { NonFiniteLossError, ValueError } from '../_internal/errors.js';
import { checkPositiveInt } from '../_internal/validate.js';
import type { StopReason } from './types.js';

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
        `${fn}: the ${name} became ${String(value)} at step ${step} (epoch ${epoch}); training stopped. ` +
          'Lower the learning rate, check the data for NaN or unscaled values, or try another loss.',
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

/**
 * The epoch/step driver every batch-based training loop shares: epochs or
 * steps, stop on abort after the current step, `'data-exhausted'` when a
 * one-shot iterable runs dry, an error when the data yields no batch at all.
 * @hidden
 */
export async function runEpochs<B>(
  fn: string,
  schedule: Schedule,
  source: { epoch(): AsyncIterable<B> },
  signal: AbortSignal | undefined,
  hooks: EpochHooks<B>,
): Promise<EpochLoopResult> {
  let step = 0;
  let epochs = 0;
  let stopReason: StopReason = 'completed';
  outer: for (let epoch = 0; epoch < schedule.epochs; epoch++) {
    hooks.epochStart?.(epoch);
    let batches = 0;
    for await (const batch of source.epoch()) {
      batches++;
      if (!(await hooks.batch(batch, step, epoch))) continue;
      step++;
      if (signal?.aborted === true) {
        stopReason = 'aborted';
        break outer;
      }
      if (step >= schedule.steps) break outer;
    }
    if (batches === 0) {
      if (step === 0 && epoch === 0) throw new ValueError(`${fn}: invalid \`data\`: it yielded no batches.`);
      stopReason = 'data-exhausted';
      break;
    }
    epochs++;
    await hooks.epochEnd?.(epoch);
    if (signal?.aborted === true) {
      stopReason = 'aborted';
      break;
    }
  }
  return { steps: step, epochs, stopReason };
}
