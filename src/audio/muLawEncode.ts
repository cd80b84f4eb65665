// μ-law companding (ITU-T G.711; used by WaveNet, van den Oord et al. 2016, §2.2), quantized as
// torchaudio's mu_law_encoding does.
import * as tf from '@tensorflow/tfjs-core';
import { invalidField } from '../_internal/errors.js';
import { checkNoNaN, checkTensor } from '../_internal/validate.js';

/** μ: an integer in [1, 2^31 − 2], so that the classes `0 … μ` fit int32. */
function checkMu(fn: string, value: unknown): number {
  const mu = value ?? 255;
  if (typeof mu !== 'number' || !Number.isInteger(mu) || mu < 1 || mu > 2 ** 31 - 2) throw invalidField(fn, 'mu', 'an integer in [1, 2^31 − 2]', mu);
  return mu;
}

/**
 * Options of {@link muLawEncode} and {@link muLawDecode}.
 *
 * @category Audio
 */
export interface MuLawOptions {
  /** μ; the classes are `0 … μ` (μ + 1 of them). Defaults to `255` (256 classes). */
  mu?: number;
}

/**
 * Compands a waveform and quantizes it to `μ + 1` classes:
 * `F(x) = sign(x) ln(1 + μ|x|) / ln(1 + μ)`, class `⌊(F(x) + 1)/2 · μ + ½⌋`,
 * for `x` clipped to [-1, 1]. So -1 → 0, 0 → ⌊μ/2 + ½⌋ (128 for μ = 255), 1 → μ;
 * ±∞ clip to the end classes. NaN has no class: it is an error (checking reads
 * one boolean back from the backend).
 *
 * @param x - Waveform values in [-1, 1], any shape.
 * @param options - μ; see {@link MuLawOptions}.
 * @returns Classes, int32, same shape.
 * @throws {@link ValueError} when `x` is not a tensor or holds NaN, or μ is not an integer in [1, 2^31 − 2].
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { muLawEncode } from 'tfjs-generative/audio';
 * console.log(Array.from(muLawEncode(tf.tensor1d([-1, 0, 1])).dataSync())); // [0, 128, 255]
 * ```
 *
 * @category Audio
 */
export function muLawEncode(x: tf.Tensor, options: MuLawOptions = {}): tf.Tensor {
  checkTensor('muLawEncode', 'x', x);
  const mu = checkMu('muLawEncode', options.mu);
  checkNoNaN('muLawEncode', 'x', x);
  return tf.tidy(() => {
    const v = tf.clipByValue(tf.cast(x, 'float32'), -1, 1);
    const f = tf.div(tf.mul(tf.sign(v), tf.log1p(tf.mul(tf.abs(v), mu))), Math.log1p(mu));
    return tf.cast(tf.floor(tf.add(tf.mul(tf.div(tf.add(f, 1), 2), mu), 0.5)), 'int32');
  });
}

/**
 * Turns μ-law classes back into a waveform: `y = 2q/μ - 1`, then
 * `sign(y) ((1 + μ)^|y| - 1) / μ` (torchaudio's mu_law_decoding).
 *
 * @param q - Classes in `0 … μ`, any shape.
 * @param options - μ; see {@link MuLawOptions}.
 * @returns Waveform values in [-1, 1], float32, same shape.
 * @throws {@link ValueError} when `q` is not a tensor or μ is not an integer in [1, 2^31 − 2].
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { muLawDecode } from 'tfjs-generative/audio';
 * console.log(Array.from(muLawDecode(tf.tensor1d([0, 255], 'int32')).dataSync())); // [-1, 1]
 * ```
 *
 * @category Audio
 */
export function muLawDecode(q: tf.Tensor, options: MuLawOptions = {}): tf.Tensor {
  checkTensor('muLawDecode', 'q', q);
  const mu = checkMu('muLawDecode', options.mu);
  return tf.tidy(() => {
    const y = tf.sub(tf.div(tf.mul(tf.cast(q, 'float32'), 2), mu), 1);
    return tf.div(tf.mul(tf.sign(y), tf.sub(tf.pow(1 + mu, tf.abs(y)), 1)), mu);
  });
}
