// Overlapping windows of a signal, for batches of audio.
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField } from '../_internal/errors.js';
import { checkPositiveInt } from '../_internal/validate.js';

/**
 * Options of {@link audioWindows}.
 *
 * @category Audio
 */
export interface AudioWindowsOptions {
  /** Samples per window `L`. */
  windowLength: number;
  /** Samples between window starts. Defaults to `windowLength` (no overlap). */
  hop?: number;
}

const FN = 'audioWindows';

/**
 * Cuts a signal into windows `[N, L]`: window `i` is
 * `samples[i·hop … i·hop + L - 1]`, for every window that fits
 * (`N = ⌊(length - L) / hop⌋ + 1`).
 *
 * @param samples - The signal (waveform or classes).
 * @param options - Window length and hop; see {@link AudioWindowsOptions}.
 * @returns The windows, float32 `[N, L]` (int32 for an `Int32Array`).
 * @throws {@link ValueError} when the signal is shorter than one window.
 *
 * @example
 * ```ts
 * import { audioWindows } from 'tfjs-generative/audio';
 * const w = audioWindows(new Float32Array(1000), { windowLength: 256, hop: 128 });
 * console.log(w.shape); // [6, 256]
 * ```
 *
 * @category Audio
 */
export function audioWindows(samples: Float32Array | Int32Array | readonly number[], options: AudioWindowsOptions): tf.Tensor2D {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['windowLength', 'hop'], 'options');
  if (!(samples instanceof Float32Array || samples instanceof Int32Array || Array.isArray(samples))) {
    throw invalidField(FN, 'samples', 'a Float32Array, Int32Array or array of samples', samples);
  }
  const windowLength = checkPositiveInt(FN, 'windowLength', options.windowLength);
  const hop = checkPositiveInt(FN, 'hop', options.hop ?? windowLength);
  if (samples.length < windowLength) {
    throw invalidField(FN, 'samples', `at least windowLength = ${windowLength} samples`, `${samples.length} samples`);
  }
  const n = Math.floor((samples.length - windowLength) / hop) + 1;
  const isInt = samples instanceof Int32Array;
  const out = isInt ? new Int32Array(n * windowLength) : new Float32Array(n * windowLength);
  const src = samples as ArrayLike<number>;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < windowLength; j++) out[i * windowLength + j] = src[i * hop + j]!;
  }
  return tf.tensor2d(out, [n, windowLength], isInt ? 'int32' : 'float32');
}
