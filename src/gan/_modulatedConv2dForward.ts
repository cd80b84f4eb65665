/**
 * The maths of the `ModulatedConv2D` layer (Karras et al. 2020, §2.2, eqs. 1-3)
 * as differentiable ops, shared by the layer and its tests.
 *
 * Legend: B batch, H height, W width, Ci input channels, Co output channels.
 */
import * as tf from '@tensorflow/tfjs-core';

const DEMOD_EPSILON = 1e-8;

/**
 * The modulated convolution as ops (differentiable in every argument).
 * @hidden
 */
export function modulatedConv2dForward(
  x: tf.Tensor4D,
  w: tf.Tensor2D,
  kernel: tf.Tensor4D,
  styleKernel: tf.Tensor2D,
  styleBias: tf.Tensor1D,
  bias: tf.Tensor1D | undefined,
  demodulate: boolean,
): tf.Tensor4D {
  const [b, , , ci] = x.shape;
  const co = kernel.shape[3];
  const s = tf.add(tf.matMul(w, styleKernel), styleBias) as tf.Tensor2D; // [B, Ci]
  const scaled = tf.mul(x, tf.reshape(s, [b, 1, 1, ci])) as tf.Tensor4D; // [B, H, W, Ci]: eq. 1 moved onto the input
  let y = tf.conv2d(scaled, kernel, 1, 'same'); // [B, H, W, Co]
  if (demodulate) {
    // Σ_{k,i} (w[k,i,o]·s[b,i])² = Σ_i s[b,i]² · Σ_k w[k,i,o]²: one [B, Ci] × [Ci, Co] product.
    const kernelEnergy = tf.sum(tf.square(kernel), [0, 1]) as tf.Tensor2D; // [Ci, Co]
    const d = tf.rsqrt(tf.add(tf.matMul(tf.square(s), kernelEnergy), DEMOD_EPSILON)); // [B, Co]: eq. 3
    y = tf.mul(y, tf.reshape(d, [b, 1, 1, co])) as tf.Tensor4D;
  }
  if (bias !== undefined) y = tf.add(y, bias) as tf.Tensor4D;
  return y;
}
