// Uniform (linear) quantization of a waveform, the counterpart of μ-law for signals that need no companding.
import * as tf from '@tensorflow/tfjs-core';
import { invalidField } from '../_internal/errors.js';
import { checkNoNaN, checkTensor } from '../_internal/validate.js';

/**
 * Options of {@link quantize} and {@link dequantize}.
 *
 * @category Audio
 */
export interface QuantizeOptions {
  /** Number of classes `L` (≥ 2). Defaults to `256`. */
  levels?: number;
}

function levelsOf(fn: string, options: QuantizeOptions): number {
  const levels = options.levels ?? 256;
  // At most 2^31 − 1 classes, so that the class index L − 1 fits int32.
  if (typeof levels !== 'number' || !Number.isInteger(levels) || levels < 2 || levels > 2 ** 31 - 1) throw invalidField(fn, 'levels', 'an integer in [2, 2^31 − 1]', levels);
  return levels;
}

/**
 * Quantizes values in [-1, 1] uniformly to `L` classes:
 * `⌊(x + 1)/2 · (L - 1) + ½⌋`, `x` clipped to [-1, 1] (±∞ go to the end
 * classes). NaN has no class: it is an error (checking reads one boolean back
 * from the backend).
 *
 * @param x - Values in [-1, 1], any shape.
 * @param options - Number of levels; see {@link QuantizeOptions}.
 * @returns Classes `0 … L-1`, int32, same shape.
 * @throws {@link ValueError} when `x` holds NaN, or for levels outside [2, 2^31 − 1].
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { quantize } from 'tfjs-generative/audio';
 * console.log(Array.from(quantize(tf.tensor1d([-1, 0, 1]), { levels: 5 }).dataSync())); // [0, 2, 4]
 * ```
 *
 * @category Audio
 */
export function quantize(x: tf.Tensor, options: QuantizeOptions = {}): tf.Tensor {
  checkTensor('quantize', 'x', x);
  const levels = levelsOf('quantize', options);
  checkNoNaN('quantize', 'x', x);
  return tf.tidy(() =>
    tf.cast(tf.floor(tf.add(tf.mul(tf.div(tf.add(tf.clipByValue(tf.cast(x, 'float32'), -1, 1), 1), 2), levels - 1), 0.5)), 'int32'),
  );
}

/**
 * The value of each class: `2q / (L - 1) - 1`.
 *
 * @param q - Classes `0 … L-1`, any shape.
 * @param options - Number of levels; see {@link QuantizeOptions}.
 * @returns Values in [-1, 1], float32, same shape.
 * @throws {@link ValueError} for levels outside [2, 2^31 − 1].
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { dequantize } from 'tfjs-generative/audio';
 * console.log(Array.from(dequantize(tf.tensor1d([0, 2, 4], 'int32'), { levels: 5 }).dataSync())); // [-1, 0, 1]
 * ```
 *
 * @category Audio
 */
export function dequantize(q: tf.Tensor, options: QuantizeOptions = {}): tf.Tensor {
  checkTensor('dequantize', 'q', q);
  const levels = levelsOf('dequantize', options);
  return tf.tidy(() => tf.sub(tf.div(tf.mul(tf.cast(q, 'float32'), 2), levels - 1), 1));
}
