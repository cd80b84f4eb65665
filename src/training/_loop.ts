/**
 * Pieces every training loop shares: how long to train (epochs or steps),
 * the stop on a non-finite loss, and the summary returned at the end.
 */
import { NonFiniteLossError, ValueError } from '../_internal/errors.js';
import { checkPositiveInt } from '../_internal/validate.js';

/**
 * Why a training loop returned.
 * - `'completed'`: the requested epochs or steps ran.
 * - `'aborted'`: the `signal` was aborted; the models keep the weights of the
 *   last completed step.
 * - `'data-exhausted'`: a one-shot iterable ran out before `steps` were done.
 *
 * @category Training
 */
export type StopReason = 'completed' | 'aborted' | 'data-exhausted';

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
