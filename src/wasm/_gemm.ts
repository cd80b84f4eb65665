// Batched matrix products on our own GEMM (native/kernels/gemm.c), in place on
// the wasm heap: transposes are absorbed by the kernel's packing, batch
// dimensions broadcast as tf.matMul does (one kernel call per output slice).
//
// Legend: B batch, M×K left operand, K×N right operand.
import * as tf from '@tensorflow/tfjs-core';
import { nativeKernels } from './_native.js';
import { wasmThreadsCount } from './_threads.js';
import { heapOffset, type WasmBackendLike } from './_wasmBackend.js';

/**
 * Below this many multiply-adds a product gains nothing from XNNPACK's threads.
 */
const THREADED_WORK = 64 * 64 * 64;

/**
 * Whether to leave a product to XNNPACK (through the backend's own kernel):
 * our GEMM runs on one thread, so where the backend runs threads, the one form
 * XNNPACK takes directly (no transposes, one right operand) stays with its
 * thread pool once it is large enough. Single-threaded, ours measured faster
 * on every shape tried (docs/performance.md), and the transposed and batched
 * forms would need extra passes before XNNPACK.
 * @hidden
 */
export function preferXnnpack(g: MatMulGeometry, transposeA: boolean, transposeB: boolean): boolean {
  if (transposeA || transposeB || !g.sliceB.every((i) => i === 0)) return false;
  if (g.m * g.n * g.k * g.sliceA.length < THREADED_WORK) return false;
  return (wasmThreadsCount() ?? 1) > 1;
}

/** Fused epilogue codes of the native GEMM. @hidden */
export const ACTIVATION_CODES: Readonly<Record<string, number>> = { linear: 0, relu: 1, relu6: 2, leakyrelu: 3 };

/** A product's geometry, read from BatchMatMul's inputs and attributes. @hidden */
export interface MatMulGeometry {
  m: number;
  n: number;
  k: number;
  /** The broadcast batch shape, then `[M, N]`. */
  outShape: number[];
  /** For each output slice, the slice index into `a` and into `b`. */
  sliceA: Int32Array;
  sliceB: Int32Array;
}

/**
 * The geometry of `a [..., M, K] · b [..., K, N]` (either transposed), or `null`
 * where the shapes do not fit (left to the backend's own kernel and its error).
 * @hidden
 */
export function matMulGeometry(aShape: readonly number[], bShape: readonly number[], transposeA: boolean, transposeB: boolean): MatMulGeometry | null {
  const ra = aShape.length;
  const rb = bShape.length;
  if (ra < 2 || rb < 2) return null;
  const m = transposeA ? aShape[ra - 1]! : aShape[ra - 2]!;
  const k = transposeA ? aShape[ra - 2]! : aShape[ra - 1]!;
  const kb = transposeB ? bShape[rb - 1]! : bShape[rb - 2]!;
  const n = transposeB ? bShape[rb - 2]! : bShape[rb - 1]!;
  if (k !== kb) return null;
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  let batch: number[];
  try {
    batch = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
  } catch {
    return null;
  }
  const slices = batch.reduce((p, d) => p * d, 1);
  const sliceA = new Int32Array(slices);
  const sliceB = new Int32Array(slices);
  const stridesA = broadcastStrides(batchA, batch.length);
  const stridesB = broadcastStrides(batchB, batch.length);
  for (let s = 0; s < slices; s++) {
    let rest = s;
    let ia = 0;
    let ib = 0;
    for (let d = batch.length - 1; d >= 0; d--) {
      const i = rest % batch[d]!;
      rest = (rest - i) / batch[d]!;
      ia += i * stridesA[d]!;
      ib += i * stridesB[d]!;
    }
    sliceA[s] = ia;
    sliceB[s] = ib;
  }
  return { m, n, k, outShape: [...batch, m, n], sliceA, sliceB };
}

/** Slice strides of `shape` right-aligned to `rank` dims; 0 where a dim is broadcast (size 1 or absent). */
function broadcastStrides(shape: readonly number[], rank: number): number[] {
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const at = rank - shape.length + d;
    strides[at] = shape[d] === 1 ? 0 : stride;
    stride *= shape[d]!;
  }
  return strides;
}

/** The fused epilogue: a bias of N values (heap offset) and an activation. @hidden */
export interface Epilogue {
  bias: tf.TensorInfo | null;
  activation: number;
  alpha: number;
}

/**
 * `op(a) · op(b)` (+ bias, activation) into a fresh output on our GEMM, or
 * `null` where our kernels do not run here.
 * @hidden
 */
export function nativeMatMul(
  backend: WasmBackendLike,
  a: tf.TensorInfo,
  b: tf.TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  g: MatMulGeometry,
  epilogue: Epilogue = { bias: null, activation: 0, alpha: 0 },
): tf.TensorInfo | null {
  const native = nativeKernels(backend);
  if (native === null) return null;
  const out = backend.makeOutput(g.outShape, 'float32'); // [..., M, N]
  const { m, n, k } = g;
  if (m === 0 || n === 0 || g.sliceA.length === 0) return out;
  // Offsets after makeOutput: they are fixed once allocated, whatever the heap does.
  const pa = k === 0 ? 0 : heapOffset(backend, a);
  const pb = k === 0 ? 0 : heapOffset(backend, b);
  const pc = heapOffset(backend, out);
  const bias = epilogue.bias === null ? 0 : heapOffset(backend, epilogue.bias);
  const ta = transposeA ? 1 : 0;
  const tb = transposeB ? 1 : 0;
  const sizeA = m * k * 4;
  const sizeB = k * n * 4;
  const sizeC = m * n * 4;
  const slices = g.sliceA.length;
  if (!transposeA && slices > 1 && g.sliceB.every((i) => i === 0) && g.sliceA.every((i, s) => i === s)) {
    // Every left slice meets the same right operand: fold the batch into the rows.
    native.exports.gemm(pa, pb, pc, slices * m, n, k, 0, tb, bias, epilogue.activation, epilogue.alpha, native.gemmScratch);
    return out;
  }
  for (let s = 0; s < slices; s++) {
    native.exports.gemm(pa + g.sliceA[s]! * sizeA, pb + g.sliceB[s]! * sizeB, pc + s * sizeC, m, n, k, ta, tb, bias, epilogue.activation, epilogue.alpha, native.gemmScratch);
  }
  return out;
}
