/**
 * Helpers shared by the VAE losses, which are per example: `[B, …]` → `[B]`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../_internal/errors.js';
import { checkTensor, formatShape } from '../_internal/validate.js';

/**
 * Checks two tensors of rank ≥ 1 (`[B, …]`) with the same shape.
 * @hidden
 */
export function checkSameShapePair(fn: string, nameA: string, a: unknown, nameB: string, b: unknown): void {
  const ta = checkTensor(fn, nameA, a);
  const tb = checkTensor(fn, nameB, b);
  for (const [name, t] of [[nameA, ta], [nameB, tb]] as const) {
    if (t.rank < 1) {
      throw new ValueError(`${fn}: invalid \`${name}\` shape: expected rank >= 1 ([B, …]), received ${formatShape(t.shape)}.`);
    }
  }
  if (ta.rank !== tb.rank || ta.shape.some((d, i) => d !== tb.shape[i])) {
    throw new ValueError(
      `${fn}: ${nameA} and ${nameB} must have the same shape: received ${formatShape(ta.shape)} and ${formatShape(tb.shape)}.`,
    );
  }
}

/**
 * Sums a `[B, …]` tensor over every axis but the first: `[B]`.
 * @hidden
 */
export function sumPerExample(t: tf.Tensor): tf.Tensor1D {
  if (t.rank === 1) return t as tf.Tensor1D;
  const axes = Array.from({ length: t.rank - 1 }, (_, i) => i + 1);
  return tf.sum(t, axes) as tf.Tensor1D; // [B]
}
