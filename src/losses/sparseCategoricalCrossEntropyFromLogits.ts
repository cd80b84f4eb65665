// Token cross-entropy from logits, with label smoothing (Szegedy et al. 2016,
// https://arxiv.org/abs/1512.00567, §7) and a padding mask.
//
// Legend: V classes (vocabulary); labels [...], logits [..., V].
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../_internal/errors.js';
import { checkRate01, checkTensor, formatShape } from '../_internal/validate.js';

/**
 * Options of {@link sparseCategoricalCrossEntropyFromLogits}.
 *
 * @category Losses
 */
export interface SparseCategoricalCrossEntropyOptions {
  /** Smoothing ε in [0, 1): the target is `(1 - ε)·onehot + ε/V`. Defaults to `0`. */
  labelSmoothing?: number;
  /** Weights in the labels' shape: 1 for positions that count, 0 for padding. Defaults to all ones. */
  mask?: tf.Tensor;
}

const FN = 'sparseCategoricalCrossEntropyFromLogits';

/**
 * Mean cross-entropy, in nats, of integer labels under softmax(logits).
 *
 * Per position, `-Σ_v target_v · log softmax(logits)_v` with
 * `target = (1 - ε)·onehot(label) + ε/V`; the log-softmax subtracts the row
 * maximum, so large logits do not overflow. The result is the mask-weighted
 * mean over positions (`Σ mask·loss / Σ mask`; 0 when everything is masked),
 * as PyTorch's `cross_entropy` with `label_smoothing` and
 * `ignore_index` computes it. Labels outside `[0, V)` contribute only the
 * smoothing term: check them beforehand.
 *
 * @param labels - Class ids `[...]` (int32, or float holding integers).
 * @param logits - Unnormalised log-probabilities `[..., V]`.
 * @param options - Label smoothing and padding mask; see {@link SparseCategoricalCrossEntropyOptions}.
 * @returns The scalar loss in nats per (unmasked) position; NaN when an unmasked label lies outside `[0, V)` (masked positions, such as padding, may hold any label).
 * @throws {@link ValueError} when the shapes do not agree.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { sparseCategoricalCrossEntropyFromLogits } from 'tfjs-generative/losses';
 * const loss = sparseCategoricalCrossEntropyFromLogits(tf.tensor1d([0, 2], 'int32'), tf.zeros([2, 4]));
 * console.log(loss.shape); // [] (value ln 4 ≈ 1.386)
 * ```
 *
 * @category Losses
 */
export function sparseCategoricalCrossEntropyFromLogits(
  labels: tf.Tensor,
  logits: tf.Tensor,
  options: SparseCategoricalCrossEntropyOptions = {},
): tf.Scalar {
  checkTensor(FN, 'labels', labels);
  checkTensor(FN, 'logits', logits);
  const sameLead = logits.rank === labels.rank + 1 && labels.shape.every((d, i) => d === logits.shape[i]);
  if (!sameLead) {
    throw new ValueError(
      `${FN}: labels and logits do not agree: expected labels [...] and logits [..., V]; received labels ${formatShape(labels.shape)} and logits ${formatShape(logits.shape)}.`,
    );
  }
  const eps = checkRate01(FN, 'labelSmoothing', options.labelSmoothing ?? 0);
  const { mask } = options;
  if (mask !== undefined) {
    checkTensor(FN, 'mask', mask);
    if (formatShape(mask.shape) !== formatShape(labels.shape)) {
      throw new ValueError(`${FN}: invalid \`mask\` shape: expected the labels' shape ${formatShape(labels.shape)}, received ${formatShape(mask.shape)}.`);
    }
  }
  const v = logits.shape[logits.rank - 1]!;
  return tf.tidy(() => {
    const logp = tf.reshape(tf.logSoftmax(tf.reshape(tf.cast(logits, 'float32'), [-1, v])), [-1, v]); // [N, V]
    // int32 one-hot, then a cast: tfjs-backend-wasm 4.22's OneHot ignores a float32 dtype.
    const ids = tf.reshape(tf.cast(labels, 'int32'), [-1]) as tf.Tensor1D; // [N]
    const onehot = tf.cast(tf.oneHot(ids, v), 'float32'); // [N, V]
    let perPosition = tf.neg(tf.sum(tf.mul(onehot, logp), 1)); // [N]
    if (eps > 0) perPosition = tf.add(tf.mul(1 - eps, perPosition), tf.mul(eps, tf.neg(tf.mean(logp, 1))));
    const w = mask === undefined ? null : tf.reshape(tf.cast(mask, 'float32'), [-1]); // [N]
    // A label outside [0, V) (that a mask does not hide) makes its term NaN: tf.oneHot would
    // give it a zero row, a loss of 0 that trains nothing and hides the bad data. The NaN
    // reaches the training loops' guard, which names the step; checking on the backend needs
    // no data read.
    let outside = tf.logicalOr(tf.less(ids, 0), tf.greaterEqual(ids, v)); // [N]
    if (w !== null) outside = tf.logicalAnd(outside, tf.notEqual(w, 0));
    perPosition = tf.where(outside, tf.fill(perPosition.shape, NaN), perPosition);
    if (w === null) return tf.mean(perPosition) as tf.Scalar;
    return tf.div(tf.sum(tf.mul(perPosition, w)), tf.maximum(tf.sum(w), 1e-12)) as tf.Scalar;
  });
}
