// Fixed sinusoidal position encodings: Vaswani et al. 2017, https://arxiv.org/abs/1706.03762 (§3.5).
import * as tf from '@tensorflow/tfjs-core';
import { checkNonNegativeInt, checkPositiveInt, checkPositiveNumber } from '../_internal/validate.js';

/**
 * Options of {@link sinusoidalPositionEncoding}.
 *
 * @category Attention
 */
export interface SinusoidalPositionEncodingOptions {
  /** First position encoded. Defaults to `0`. */
  offset?: number;
  /** Wavelength base. Defaults to `10000`. */
  base?: number;
}

const FN = 'sinusoidalPositionEncoding';

/**
 * The sinusoidal encodings of positions `offset … offset+length-1`:
 * `PE[p, 2i] = sin(p / base^(2i/dim))`, `PE[p, 2i+1] = cos(p / base^(2i/dim))`.
 * Computed in float64 and returned as float32.
 *
 * @param length - Number of positions.
 * @param dim - Encoding width (any positive integer; an odd last column is a sine).
 * @param options - Offset and base; see {@link SinusoidalPositionEncodingOptions}.
 * @returns Encodings `[length, dim]`.
 * @throws {@link ValueError} when `length` or `dim` is not a positive integer.
 *
 * @example
 * ```ts
 * import { sinusoidalPositionEncoding } from 'tfjs-generative/attention';
 * const pe = sinusoidalPositionEncoding(50, 16);
 * console.log(pe.shape); // [50, 16]
 * ```
 *
 * @category Attention
 */
export function sinusoidalPositionEncoding(length: number, dim: number, options: SinusoidalPositionEncodingOptions = {}): tf.Tensor2D {
  checkPositiveInt(FN, 'length', length);
  checkPositiveInt(FN, 'dim', dim);
  const offset = checkNonNegativeInt(FN, 'offset', options.offset ?? 0);
  const base = checkPositiveNumber(FN, 'base', options.base ?? 10000);
  const values = new Float32Array(length * dim);
  for (let p = 0; p < length; p++) {
    for (let j = 0; j < dim; j++) {
      const angle = (offset + p) / base ** ((2 * Math.floor(j / 2)) / dim);
      values[p * dim + j] = j % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return tf.tensor2d(values, [length, dim]);
}
