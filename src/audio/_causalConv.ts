/**
 * The causal dilated 1-D convolution shared by CausalConv1D, WaveNetBlock and
 * the naive generation path, written from ops whose gradients exist on every
 * backend: a left pad, one slice per kernel tap, a concat and one matmul.
 * (`tf.conv1d` rejects `padding: 'causal'`, tfjs#1040, and its gradient
 * asserts a dilation of 1, tfjs#7906.)
 *
 * Legend: B batch, T time, K kernel taps, Ci/Co channels, d dilation.
 */
import * as tf from '@tensorflow/tfjs-core';

/**
 * `y[t] = Σ_j x[t - (K-1-j)·d] · W[j] + b`, with zeros before `t = 0`:
 * `x` `[B, T, Ci]`, `kernel` `[K, Ci, Co]` (the Keras layout), `bias` `[Co]`.
 * Output `[B, T, Co]`; output `t` depends on inputs `≤ t` only.
 * @hidden
 */
export function causalConv1dForward(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor | null, dilation: number): tf.Tensor3D {
  const [b, t] = x.shape as [number, number, number];
  const [k, ci, co] = kernel.shape as [number, number, number];
  let y: tf.Tensor = tf.matMul(causalConvColumns(x, k, dilation), tf.reshape(kernel, [k * ci, co])); // [B·T, Co]
  if (bias !== null) y = tf.add(y, bias);
  return tf.reshape(y, [b, t, co]);
}

/**
 * The rows the causal convolution multiplies by its kernel: row `b·T + t` holds
 * `x[b, t - (K-1)d], …, x[b, t - d], x[b, t]` (zeros before 0), tap by tap:
 * `[B·T, K·Ci]`.
 * @hidden
 */
export function causalConvColumns(x: tf.Tensor, k: number, dilation: number): tf.Tensor2D {
  const [b, t, ci] = x.shape as [number, number, number];
  const pad = (k - 1) * dilation;
  const padded = pad > 0 ? tf.pad(x, [[0, 0], [pad, 0], [0, 0]]) : x; // [B, T + (K-1)d, Ci]
  const taps: tf.Tensor[] = [];
  for (let j = 0; j < k; j++) taps.push(k === 1 ? padded : tf.slice(padded, [0, j * dilation, 0], [b, t, ci])); // x[t - (K-1-j)d]
  const stacked = taps.length === 1 ? taps[0]! : tf.concat(taps, 2); // [B, T, K·Ci]
  return tf.reshape(stacked, [b * t, k * ci]);
}
