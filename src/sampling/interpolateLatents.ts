// Latent interpolation. Spherical interpolation (slerp) follows White 2016, "Sampling
// Generative Networks", https://arxiv.org/abs/1609.04468: for Gaussian latents it keeps
// the interpolants at the norm the model was trained on. Legend: Z latent size.
import * as tf from '@tensorflow/tfjs-core';
import { checkConfigObject, checkKnownKeys } from '../_internal/config.js';
import { invalidField, ValueError } from '../_internal/errors.js';
import { checkOneOf, checkPositiveInt, formatShape } from '../_internal/validate.js';

/**
 * Options of {@link interpolateLatents}.
 *
 * @category Sampling
 */
export interface InterpolateLatentsOptions {
  /** `'linear'`: `(1-t)·a + t·b`; `'slerp'`: along the great circle between them (White 2016). Defaults to `'linear'`. */
  method?: 'linear' | 'slerp';
}

const FN = 'interpolateLatents';

/**
 * Interpolates between two latent vectors in `steps` evenly spaced points,
 * endpoints included.
 *
 * @param a - Start latent, `[Z]` or `[1, Z]` (tensor or numbers).
 * @param b - End latent, same size as `a`.
 * @param steps - Number of points, ≥ 2 (`t = i / (steps - 1)`).
 * @param options - Interpolation method; see {@link InterpolateLatentsOptions}.
 * @returns Latents `[steps, Z]`: row 0 is `a`, the last row is `b`.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { interpolateLatents } from 'tfjs-generative';
 * const z = interpolateLatents(tf.randomNormal([100]), tf.randomNormal([100]), 8);
 * console.log(z.shape); // [8, 100]
 * ```
 *
 * @category Sampling
 */
export function interpolateLatents(
  a: tf.Tensor | readonly number[],
  b: tf.Tensor | readonly number[],
  steps: number,
  options: InterpolateLatentsOptions = {},
): tf.Tensor2D {
  checkConfigObject(FN, options, 'options');
  checkKnownKeys(FN, options, ['method'], 'options');
  const method = checkOneOf(FN, 'method', options.method ?? 'linear', ['linear', 'slerp'] as const);
  checkPositiveInt(FN, 'steps', steps);
  if (steps < 2) throw invalidField(FN, 'steps', 'an integer >= 2', steps);
  return tf.tidy(() => {
    const va = asVector('a', a); // [Z]
    const vb = asVector('b', b); // [Z]
    if (va.shape[0] !== vb.shape[0]) {
      throw new ValueError(`${FN}: \`a\` and \`b\` must have the same size: received ${formatShape(va.shape)} and ${formatShape(vb.shape)}.`);
    }
    const t = tf.linspace(0, 1, steps); // [steps]
    let wa: tf.Tensor = tf.sub(1, t);
    let wb: tf.Tensor = t;
    if (method === 'slerp') {
      // θ = arccos(â·b̂); weights sin((1-t)θ)/sin θ and sin(tθ)/sin θ. For nearly
      // parallel vectors (sin θ → 0) slerp tends to lerp, so keep the linear weights.
      // Computed on tensors, with no read back, so it runs on every backend.
      const cos = tf.clipByValue(tf.div(tf.sum(tf.mul(va, vb)), tf.mul(tf.norm(va), tf.norm(vb))), -1, 1);
      const theta = tf.acos(cos);
      const sinTheta = tf.sin(theta);
      const parallel = tf.less(sinTheta, 1e-6);
      const safeSin = tf.where(parallel, tf.onesLike(sinTheta), sinTheta);
      wa = tf.where(parallel, wa, tf.div(tf.sin(tf.mul(tf.sub(1, t), theta)), safeSin));
      wb = tf.where(parallel, wb, tf.div(tf.sin(tf.mul(t, theta)), safeSin));
    }
    // [steps, 1] · [1, Z] + [steps, 1] · [1, Z] → [steps, Z]
    return tf.add(
      tf.mul(tf.reshape(wa, [steps, 1]), tf.reshape(va, [1, -1])),
      tf.mul(tf.reshape(wb, [steps, 1]), tf.reshape(vb, [1, -1])),
    ) as tf.Tensor2D;
  });
}

function asVector(field: string, v: tf.Tensor | readonly number[]): tf.Tensor1D {
  if (v instanceof tf.Tensor) {
    if (v.rank === 1) return v as tf.Tensor1D;
    if (v.rank === 2 && v.shape[0] === 1) return tf.reshape(v, [-1]) as tf.Tensor1D;
    throw new ValueError(`${FN}: invalid \`${field}\` shape: expected [Z] or [1, Z], received ${formatShape(v.shape)}.`);
  }
  if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    return tf.tensor1d(v as number[]);
  }
  throw invalidField(FN, field, 'a tensor [Z] or [1, Z], or a non-empty array of finite numbers', v);
}
