// UnsortedSegmentSum for the wasm backend, which has none (tfjs#8082). It is
// the gradient of `gather`, so without it no embedding trains on wasm.
//
// Legend: N rows of x, S segments, C the size of one row.
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs, WasmBackendLike } from './_wasmBackend.js';

/**
 * out[s] = Σ_{n : ids[n] = s} x[n], for `ids` `[N]` and `x` `[N, …]`; rows
 * whose id is outside `[0, S)` are dropped, as TensorFlow does.
 * @hidden
 */
export function unsortedSegmentSum(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as unknown as { numSegments: number };
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(`tfjs-generative/wasm: UnsortedSegmentSum supports float32 and int32 tensors, received ${x.dtype}.`);
  }
  const n = x.shape[0] ?? 1;
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== n) {
    throw new Error(
      `tfjs-generative/wasm: UnsortedSegmentSum: expected segmentIds of shape [${n}] (one id per row of x [${x.shape.join(', ')}]), received [${segmentIds.shape.join(', ')}].`,
    );
  }
  const c = x.shape.slice(1).reduce((p, d) => p * d, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(1)], x.dtype);
  // Views after the allocation: a heap that grew detaches older views.
  const dst = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  const src = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  dst.fill(0);
  for (let i = 0; i < n; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const from = i * c;
    const to = s * c;
    for (let j = 0; j < c; j++) dst[to + j]! += src[from + j]!;
  }
  return out;
}
