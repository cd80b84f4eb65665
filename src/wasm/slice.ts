// Slice for the wasm backend. Its own kernel reads the whole input out of the
// wasm heap (a copy of every element) before cutting the slice; causal
// convolutions slice their padded input once per tap, so that copy was paid
// per tap and per layer. This one copies only the slice, straight from a view
// of the heap, in runs as long as the layout allows.
//
// Legend: r rank; dimension k is the last one the slice does not take whole.
import * as tf from '@tensorflow/tfjs-core';
import { wasmKernel, type KernelArgs, type WasmBackendLike } from './_wasmBackend.js';

type NumericArray = Float32Array | Int32Array | Uint8Array;

/** Runs shorter than this are copied element by element (a subarray view per run costs more). */
const SHORT_RUN = 128;

/**
 * `x[begin₀ : begin₀+size₀, …]`, as TensorFlow.js's Slice.
 * @hidden
 */
export function slice(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
  if (x.dtype === 'string' || x.dtype === 'complex64') return wasmKernel('Slice')(args);
  const [b, s] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, size) as [number[], number[]];
  const out = backend.makeOutput(s, x.dtype);
  const total = s.reduce((p, d) => p * d, 1);
  if (total === 0) return out;
  const shape = x.shape;
  const rank = shape.length;
  const strides = [...tf.util.computeStrides(shape), 1]; // strides[r - 1] = 1
  // k: the last dimension not taken whole; everything after it is contiguous.
  let k = rank - 1;
  while (k > 0 && b[k] === 0 && s[k] === shape[k]) k--;
  const run = s[k]! * strides[k]!;
  // Views after the allocation: a heap that grew detaches older views.
  const src = backend.typedArrayFromHeap(x) as NumericArray;
  const dst = backend.typedArrayFromHeap(out) as NumericArray;
  const outer = s.slice(0, k);
  const index = outer.map(() => 0);
  const runs = outer.reduce((p, d) => p * d, 1);
  for (let r = 0, at = 0; r < runs; r++, at += run) {
    let offset = b[k]! * strides[k]!;
    for (let d = 0; d < k; d++) offset += (b[d]! + index[d]!) * strides[d]!;
    if (run < SHORT_RUN) {
      for (let i = 0; i < run; i++) dst[at + i] = src[offset + i]!;
    } else {
      dst.set(src.subarray(offset, offset + run), at);
    }
    for (let d = k - 1; d >= 0; d--) {
      if (++index[d]! < outer[d]!) break;
      index[d] = 0;
    }
  }
  return out;
}
