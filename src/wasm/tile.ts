// Tile for the wasm backend. Its own kernel computes an index per output element
// (a division and a modulo per dimension), and batch norm's gradient tiles a
// [1,1,1,C] parameter to the activations' shape on every step. This one copies
// whole blocks: each dimension's first repetition is built once, then copied
// with copyWithin (a native memmove) for the other repetitions.
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs, WasmBackendLike } from './_wasmBackend.js';

type NumericArray = Float32Array | Int32Array | Uint8Array;

/**
 * out[i₀·…] = x[i₀ mod s₀, …] for out shape `xShape[d] · reps[d]`.
 * @hidden
 */
export function tile(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const reps = (args.attrs as unknown as { reps: number[] }).reps;
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
    throw new Error(`tfjs-generative/wasm: Tile supports float32, int32 and bool tensors, received ${x.dtype}.`);
  }
  const shape = x.shape;
  const rank = shape.length;
  const outShape = shape.map((d, i) => d * reps[i]!);
  const out = backend.makeOutput(outShape, x.dtype);
  const size = outShape.reduce((a, b) => a * b, 1);
  if (size === 0) return out;
  // Views after the allocation: a heap that grew detaches older views.
  const dst = backend.typedArrayFromHeap(out) as NumericArray;
  const src = backend.typedArrayFromHeap(x) as NumericArray;
  if (rank === 0) {
    dst[0] = src[0]!;
    return out;
  }
  // Elements per index of dimension d, in the output and in x.
  const outStride = new Array<number>(rank);
  const inStride = new Array<number>(rank);
  outStride[rank - 1] = 1;
  inStride[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) {
    outStride[d] = outStride[d + 1]! * outShape[d + 1]!;
    inStride[d] = inStride[d + 1]! * shape[d + 1]!;
  }
  // Fills the output block of dimension d at dstOffset from x's block at srcOffset.
  const fill = (d: number, srcOffset: number, dstOffset: number): void => {
    const n = shape[d]!;
    if (d === rank - 1) {
      dst.set(src.subarray(srcOffset, srcOffset + n), dstOffset);
    } else {
      for (let i = 0; i < n; i++) fill(d + 1, srcOffset + i * inStride[d]!, dstOffset + i * outStride[d]!);
    }
    const block = n * outStride[d]!; // one repetition of this dimension
    for (let r = 1; r < reps[d]!; r++) dst.copyWithin(dstOffset + r * block, dstOffset, dstOffset + block);
  };
  fill(0, 0, 0);
  return out;
}
