/**
 * Public types of the training loops: the data they take and why they stop.
 */
import type * as tf from '@tensorflow/tfjs-core';

/**
 * Training data: a tensor of examples `[N, …]` (shuffled and cut into
 * batches), an array of tensors (batches `[B, …]`, or single examples `[…]`
 * that are stacked), or a sync or async iterable of batches `[B, …]`
 * (for example a generator, or a `tf.data.Dataset` iterator wrapper). Tensors
 * yielded by an iterable are disposed after use, as `tf.data` does; tensors
 * passed directly or in an array stay the caller's.
 *
 * @category Training
 */
export type TrainingData =
  | tf.Tensor
  | readonly tf.Tensor[]
  | Iterable<tf.Tensor>
  | AsyncIterable<tf.Tensor>;

/**
 * Why a training loop or a sampler returned. Each function's result type
 * narrows it to the values that function can return.
 * - `'completed'`: the requested epochs, steps or samples ran (trainers,
 *   `generateAudio`).
 * - `'aborted'`: the `signal` was aborted; a trainer's models keep the weights
 *   of the last completed step, a sampler returns what it made so far (every
 *   trainer and sampler).
 * - `'data-exhausted'`: a one-shot iterable ran out before `steps` were done
 *   (`trainGAN`, `trainCycleGAN`, `trainVAE`).
 * - `'max-tokens'`: `maxNewTokens` tokens were generated (`generate`).
 * - `'stop-token'`: one of the `stopTokens` was drawn (`generate`).
 *
 * @category Training
 */
export type StopReason = 'completed' | 'aborted' | 'data-exhausted' | 'max-tokens' | 'stop-token';

/**
 * A stream of token ids: an array, a typed array, or a 1-D tensor.
 *
 * @category Training
 */
export type TokenStream = readonly number[] | Int32Array | Uint16Array | Uint8Array | tf.Tensor1D;
