/**
 * Row lookup `table[ids]` whose gradient works on every backend.
 *
 * The gradient of `tf.gather` is `UnsortedSegmentSum`, which the stock wasm
 * backend does not have (tfjs#8082), so embeddings cannot train there. This
 * lookup uses that kernel where the backend has it, and otherwise the same sum
 * written as a matmul: `dTable = onehot(ids)ᵀ · dy`, `[V, N] · [N, C]`.
 *
 * Legend: N looked-up ids, V table rows (vocabulary), C row width.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Gradient of a row lookup: sums `dy` rows into the table rows they came from. @hidden */
export function scatterRows(dy: tf.Tensor, ids: tf.Tensor, rows: number): tf.Tensor2D {
  const c = dy.shape[dy.rank - 1]!;
  const flatDy = tf.reshape(dy, [-1, c]); // [N, C]
  const flatIds = tf.reshape(ids, [-1]) as tf.Tensor1D; // [N]
  if (tf.getKernel('UnsortedSegmentSum', tf.getBackend()) !== undefined) {
    return tf.unsortedSegmentSum(flatDy, flatIds, rows) as tf.Tensor2D; // [V, C]
  }
  // int32 one-hot, then a cast: tfjs-backend-wasm 4.22's OneHot ignores a float32 dtype and writes int32 bits.
  return tf.matMul(tf.cast(tf.oneHot(flatIds, rows), 'float32'), flatDy, true, false); // [V, C]
}

const lookup = /* @__PURE__ */ tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [table, ids, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([ids]);
  const rows = table.shape[0]!;
  return {
    value: tf.gather(table, ids), // [..., C]
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => [scatterRows(dy as tf.Tensor, saved[0]!, rows), tf.zerosLike(saved[0]!)],
  };
});

/** `table[ids]`: `[V, C]` and int32 ids `[...]` → `[..., C]`, trainable on every backend. @hidden */
export function embeddingLookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  return lookup(table, ids);
}
