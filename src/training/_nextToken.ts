/**
 * The next-token training loop shared by trainLanguageModel and trainWaveNet:
 * random windows of a class stream, cross-entropy of the next class, NaN
 * guard, abort, no leaks.
 *
 * Legend: B batch, T window length.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { seedSource } from '../_internal/random.js';
import { sparseCategoricalCrossEntropyFromLogits } from '../losses/sparseCategoricalCrossEntropyFromLogits.js';
import { checkFiniteLosses } from './_loop.js';
import { windowBatch } from './_tokens.js';
import type { StopReason } from './types.js';

/** @hidden */
export interface NextTokenOptions {
  steps: number;
  batchSize: number;
  windowLength: number;
  /** The caller's optimizer; when absent, an Adam(1e-3) made here and disposed at the end. */
  optimizer: tf.Optimizer | undefined;
  labelSmoothing: number;
  seed: number | undefined;
  /** Inputs after the class windows (e.g. a conditioning vector tiled to the batch). */
  extraInputs?: (batchSize: number) => tf.Tensor[];
  onStep?: ((info: { step: number; loss: number }) => void | Promise<void>) | undefined;
  signal?: AbortSignal | undefined;
}

/** @hidden */
export interface NextTokenResult {
  steps: number;
  stopReason: StopReason;
  losses: number[];
}

/** Trains `model` to predict `stream[s+1 … s+T]` from `stream[s … s+T-1]`. @hidden */
export async function trainNextToken(fn: string, model: tfl.LayersModel, stream: Int32Array, o: NextTokenOptions): Promise<NextTokenResult> {
  const optimizer = o.optimizer ?? tf.train.adam(1e-3);
  try {
    return await loop(fn, model, stream, o, optimizer);
  } finally {
    if (o.optimizer === undefined) optimizer.dispose(); // its state is unreachable after the call
  }
}

async function loop(fn: string, model: tfl.LayersModel, stream: Int32Array, o: NextTokenOptions, optimizer: tf.Optimizer): Promise<NextTokenResult> {
  const rng = seedSource(o.seed);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const losses: number[] = [];
  let stopReason: StopReason = 'completed';
  let step = 0;
  while (step < o.steps) {
    const starts = Array.from({ length: o.batchSize }, () => Math.floor(rng.next() * (stream.length - o.windowLength)));
    const { x, y } = windowBatch(stream, starts, o.windowLength);
    const extra = o.extraInputs?.(o.batchSize) ?? [];
    const cost = optimizer.minimize(
      () => {
        const logits = model.apply(extra.length === 0 ? x : [x, ...extra], { training: true }) as tf.Tensor;
        return sparseCategoricalCrossEntropyFromLogits(y, logits, { labelSmoothing: o.labelSmoothing });
      },
      true,
      vars,
    )!;
    const loss = (await cost.data())[0]!;
    tf.dispose([x, y, cost, ...extra]);
    checkFiniteLosses(fn, step, 0, { loss });
    losses.push(loss);
    step++;
    if (o.onStep !== undefined) await o.onStep({ step: step - 1, loss });
    if (o.signal?.aborted === true) {
      stopReason = 'aborted';
      break;
    }
  }
  return { steps: step, stopReason, losses };
}
