/**
 * The `checkpoint` option every training loop takes, and a reader of the
 * newest complete checkpoint in a folder.
 */
import { readCheckpointInfo } from './_checkpoint.js';

/**
 * Where and how often a training loop saves checkpoints, and whether it
 * resumes from one. A checkpoint holds the models' weights, the optimizer's
 * state, the step, epoch and position in the data, and the seed; the loops
 * draw every random number from `(seed, step)`, so a run resumed from a
 * checkpoint ends with the same weights, bit for bit, as a run that was never
 * interrupted. See `docs/checkpoints.md`.
 *
 * @category Training
 */
export interface CheckpointOptions {
  /**
   * The folder that holds the checkpoints (created if missing), as a path or a
   * `file://` URL; one run per folder. Each checkpoint is a subfolder
   * `step-000120/`. Needs Node's file system (Node ≥ 20.16).
   */
  to: string;
  /** Save after every `every` completed steps (and once when the call returns); a positive integer. */
  every: number;
  /** How many of the newest checkpoints to keep; older ones are deleted once a newer one is complete. Defaults to `3`. */
  keep?: number;
  /**
   * Start from the newest complete checkpoint in `to`, when there is one (its
   * weights, optimizer state, step and data position replace the current
   * ones). `false` starts from the current weights and overwrites checkpoints
   * of the same steps. Defaults to `true`.
   */
  resume?: boolean;
}

/**
 * What {@link latestCheckpoint} reports of a checkpoint.
 *
 * @category Training
 */
export interface CheckpointInfo {
  /** The checkpoint's folder (`…/step-000120`). */
  path: string;
  /** The training loop that wrote it (`'trainVAE'`, …). */
  loop: string;
  /** Steps completed when it was saved; a resumed run continues with this step index. */
  step: number;
  /** Zero-based epoch of the last step (0 for loops that count only steps). */
  epoch: number;
  /** Batches of that epoch already drawn (consumed, or skipped again on resume). */
  batch: number;
  /** The seed of the run's random draws. */
  seed: number;
  /** Names of the saved models (subfolders loadable with `loadModel`). */
  models: string[];
}

/**
 * The newest complete checkpoint in a folder written through a training
 * loop's `checkpoint` option, or `null` when there is none. Folders that are
 * incomplete or unreadable are passed over. Useful to position data that a
 * loop cannot replay itself (an iterator you build) before resuming, or to
 * load a checkpoint's models with `loadModel(join(info.path, name))`.
 *
 * @param to - The checkpoint folder, a path or a `file://` URL (Node).
 * @returns The newest checkpoint's description, or `null`.
 * @throws {@link ValueError} when `to` is not a string path or `file://` URL, or
 *   the environment has no file system.
 *
 * @example
 * ```ts
 * import { latestCheckpoint } from 'tfjs-generative/training';
 * const info = await latestCheckpoint('out/vae-checkpoints');
 * console.log(info === null ? 'fresh start' : `resumes at step ${info.step}`);
 * ```
 *
 * @category Training
 */
export async function latestCheckpoint(to: string): Promise<CheckpointInfo | null> {
  return readCheckpointInfo('latestCheckpoint', to);
}
