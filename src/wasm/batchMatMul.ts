// BatchMatMul for the wasm backend. Its own kernel sends only one form to
// XNNPACK, a batch of one with no transposes; transposed products (every
// matmul gradient) and batched products (attention) run a scalar loop at
// ≈ 2 GFLOP/s. This one turns every case into that fast form: transposes on
// the backend's Transpose kernel, a batched left operand against a shared
// right one folded into the rows, and other batches one slice at a time.
//
// Where our own GEMM (native/kernels/gemm.c, see _gemm.ts) runs, it takes every
// form directly, transposes and batches included; the paths below remain for
// threaded backends' plain products and engines where our module cannot run.
//
// Legend: B batch, M×K left operand, K×N right operand.
import * as tf from '@tensorflow/tfjs-core';
import { matMulGeometry, nativeMatMul, preferXnnpack } from './_gemm.js';
import { wasmKernel, type KernelArgs, type WasmBackendLike } from './_wasmBackend.js';

type Args = KernelArgs;

/**
 * Below this many multiply-adds per slice, or this many rows, the cost of an
 * XNNPACK call (which packs the right operand anew for every fresh tensor)
 * outweighs its speed, and the backend's own loop is used.
 */
const MIN_SLICE_WORK = 2048;
const MIN_SLICE_ROWS = 8;

/**
 * `a [..., M, K] · b [..., K, N]` (either transposed by its attribute), the
 * batch dimensions broadcast as `tf.matMul` does.
 * @hidden
 */
export function batchMatMul(args: Args): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const original = wasmKernel('BatchMatMul');
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return original(args);
  const geometry = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
  if (geometry !== null && !preferXnnpack(geometry, transposeA, transposeB)) {
    const out = nativeMatMul(backend, a, b, transposeA, transposeB, geometry);
    if (out !== null) return out;
  }
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const k = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const kb = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const n = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  const batchShapeA = a.shape.slice(0, -2);
  const batchShapeB = b.shape.slice(0, -2);
  const batchA = product(batchShapeA);
  const batchB = product(batchShapeB);
  // Leave invalid shapes (for the backend's own error) and uncommon broadcasts to the backend.
  if (k !== kb || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return original(args);
  if (batchB > 1 && (m * k * n < MIN_SLICE_WORK || m < MIN_SLICE_ROWS)) return original(args);
  const outShape = [...tf.broadcast_util.assertAndGetBroadcastShape(batchShapeA, batchShapeB), m, n];

  const temps: tf.TensorInfo[] = [];
  const plain = (x: tf.TensorInfo, transposed: boolean): tf.TensorInfo => {
    if (!transposed) return x;
    const r = x.shape.length;
    const perm = [...Array(r - 2).keys(), r - 1, r - 2];
    const t = wasmKernel('Transpose')({ inputs: { x }, backend, attrs: { perm } });
    temps.push(t);
    return t;
  };
  try {
    const a2 = plain(a, transposeA); // [..., M, K]
    const b2 = plain(b, transposeB); // [..., K, N]
    const fast = (x: tf.TensorInfo, xs: number[], y: tf.TensorInfo, ys: number[]) =>
      original({ inputs: { a: { ...x, shape: xs }, b: { ...y, shape: ys } }, backend, attrs: { transposeA: false, transposeB: false } });
    if (batchB === 1) {
      // Every left slice meets the same right operand: fold the batch into the rows, one product.
      const out = fast(a2, [1, batchA * m, k], b2, [1, k, n]); // [1, B·M, N]
      return { ...out, shape: outShape };
    }
    // Slice by slice. The left slice goes through one reused staging buffer; each right
    // slice gets a fresh one, because the backend caches XNNPACK's packed right operand
    // by tensor id (a reused id would silently reuse the first slice's weights).
    const out = backend.makeOutput(outShape, 'float32'); // [B, M, N]
    const stageA = batchA > 1 ? backend.makeOutput([1, m, k], 'float32') : null;
    if (stageA !== null) temps.push(stageA);
    for (let i = 0; i < batchB; i++) {
      if (stageA !== null) copyInto(backend, a2, i * m * k, m * k, stageA);
      const stageB = backend.makeOutput([1, k, n], 'float32');
      copyInto(backend, b2, i * k * n, k * n, stageB);
      const r = fast(stageA ?? a2, [1, m, k], stageB, [1, k, n]); // [1, M, N]
      backend.disposeData(stageB.dataId);
      // Views after the product: its output may have grown (and so detached) the heap.
      (backend.typedArrayFromHeap(out) as Float32Array).set(backend.typedArrayFromHeap(r) as Float32Array, i * m * n);
      backend.disposeData(r.dataId);
    }
    return out;
  } finally {
    for (const t of temps) backend.disposeData(t.dataId);
  }
}

function copyInto(backend: WasmBackendLike, src: tf.TensorInfo, offset: number, length: number, dst: tf.TensorInfo): void {
  const from = backend.typedArrayFromHeap(src) as Float32Array;
  (backend.typedArrayFromHeap(dst) as Float32Array).set(from.subarray(offset, offset + length));
}

function product(dims: readonly number[]): number {
  return dims.reduce((p, d) => p * d, 1);
}
