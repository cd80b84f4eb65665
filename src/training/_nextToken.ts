/**
 * The next-token training loop shared by trainLanguageModel and trainWaveNet:
 * random windows of a class stream, cross-entropy of the next class, driven by
 * the shared step runner (abort, step counting, yielding), the NaN guard
 * before each update, no leaks.
 *
 * Legend: B batch, T context length.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { sparseCategoricalCrossEntropyFromLogits } from '../losses/sparseCategoricalCrossEntropyFromLogits.js';
import { openCheckpoints, type CheckpointSettings } from './_checkpoint.js';
import { keyedSeedSource } from './_checkpointRandom.js';
import { forwardState, guardedUpdate, ownedOptimizer, runSteps } from './_loop.js';
import { windowBatch } from './_tokens.js';
import type { YieldMode } from '../_internal/yieldControl.js';
import type { StopReason } from './types.js';

/** @hidden */
export interface NextTokenOptions {
  steps: number;
  batchSize: number;
  /** Window length `T`. */
  contextLength: number;
  /** The caller's optimizer; when absent, an Adam(1e-3) made here and disposed at the end. */
  optimizer: tf.Optimizer | undefined;
  /** Label smoothing ε, already checked to be in [0, 1). */
  labelSmoothing: number;
  seed: number | undefined;
  /** Inputs after the class windows (e.g. a conditioning vector tiled to the batch). */
  extraInputs?: (batchSize: number) => tf.Tensor[];
  onStep?: ((info: { step: number; loss: number }) => void | Promise<void>) | undefined;
  signal?: AbortSignal | undefined;
  /** The checked `checkpoint` option. */
  checkpoint?: CheckpointSettings | undefined;
  /** Settings besides the window, batch and stream that a resumed run must share (e.g. the conditioning's shape). */
  setup?: Readonly<Record<string, number | string | boolean | null>>;
  yieldTo: YieldMode;
}

/** @hidden */
export interface NextTokenResult {
  steps: number;
  stopReason: Extract<StopReason, 'completed' | 'aborted'>;
  losses: number[];
}

/** Trains `model` to predict `stream[s+1 … s+T]` from `stream[s … s+T-1]`. @hidden */
export async function trainNextToken(
  fn: string,
  model: tfl.LayersModel,
  stream: Int32Array,
  options: NextTokenOptions,
): Promise<NextTokenResult> {
  const { batchSize, contextLength, labelSmoothing, extraInputs, onStep } = options;
  const owned = ownedOptimizer(options.optimizer, () => tf.train.adam(1e-3));
  const rng = keyedSeedSource(options.seed);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const state = forwardState([model]);
  const losses: number[] = [];
  try {
    const checkpoint = await openCheckpoints<undefined>(
      fn,
      options.checkpoint,
      {
        loop: fn,
        models: { model },
        optimizers: { optimizer: owned.optimizer },
        rng,
        seedGiven: options.seed !== undefined,
        setup: { batchSize, contextLength, labelSmoothing, streamLength: stream.length, streamHash: streamHash(stream), ...options.setup },
      },
      () => {},
    );
    const { steps, stopReason } = await runSteps(fn, options.steps, options.signal, async (step) => {
      rng.at('step', step);
      const starts = Array.from({ length: batchSize }, () => Math.floor(rng.next() * (stream.length - contextLength)));
      const { x, y } = windowBatch(stream, starts, contextLength); // [B, T], [B, T]
      const inputs: tf.Tensor[] = [x, y];
      let loss: number;
      try {
        const extra = extraInputs?.(batchSize) ?? [];
        inputs.push(...extra);
        const site = { fn, step, epoch: 0, loss: 'loss' };
        const values = await guardedUpdate(
          owned.optimizer,
          () => {
            const logits = model.apply(extra.length === 0 ? x : [x, ...extra], { training: true }) as tf.Tensor; // [B, T, V]
            return sparseCategoricalCrossEntropyFromLogits(y, logits, { labelSmoothing });
          },
          vars,
          site,
          state,
        );
        loss = values[0]!;
      } finally {
        tf.dispose(inputs);
      }
      losses.push(loss);
      if (onStep !== undefined) await onStep({ step, loss });
    }, options.yieldTo, checkpoint);
    return { steps, stopReason: stopReason as NextTokenResult['stopReason'], losses };
  } finally {
    owned.release();
  }
}

/** FNV-1a over the stream's ids, as 8 hex digits: tells a checkpoint's data from other data of the same length. */
function streamHash(stream: Int32Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < stream.length; i++) h = Math.imul(h ^ stream[i]!, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, '0');
}
