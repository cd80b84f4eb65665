/**
 * Input checks shared by the GAN losses.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../_internal/errors.js';
import { checkTensor, formatShape } from '../_internal/validate.js';

/**
 * Checks one logits tensor: a tf.Tensor of rank ≥ 1.
 * @hidden
 */
export function checkLogits(fn: string, field: string, logits: unknown): tf.Tensor {
  const t = checkTensor(fn, field, logits);
  if (t.rank < 1) {
    throw new ValueError(`${fn}: invalid \`${field}\` shape: expected rank >= 1 ([B, …]), received ${formatShape(t.shape)}.`);
  }
  return t;
}

/**
 * Checks real and fake logits: each valid, and the same shape but for the
 * batch dimension (real and fake batches may differ in size).
 * @hidden
 */
export function checkLogitPair(fn: string, realLogits: unknown, fakeLogits: unknown): void {
  const real = checkLogits(fn, 'realLogits', realLogits);
  const fake = checkLogits(fn, 'fakeLogits', fakeLogits);
  const same = real.rank === fake.rank && real.shape.every((d, i) => i === 0 || d === fake.shape[i]);
  if (!same) {
    throw new ValueError(
      `${fn}: \`realLogits\` and \`fakeLogits\` must match except in the batch dimension: received ${formatShape(real.shape)} and ${formatShape(fake.shape)}.`,
    );
  }
}
