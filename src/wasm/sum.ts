// Sum (and Mean) over leading axes for the wasm backend. Its own kernels transpose
// the input so that the reduced axes come last, then reduce: for the bias and
// batch-norm gradients (a sum over every axis but the channels) that is a full
// transposed copy first. Here the rows are added into one float64 accumulator
// row, eight rows at a time (fewer passes over the accumulator than a row at a
// time; a product with a row of ones on XNNPACK would first pack the fresh
// operand, a copy of its own). Other reductions go to the backend's kernels.
//
// Legend: R rows (product of the reduced leading dimensions), C the rest.
import * as tf from '@tensorflow/tfjs-core';
import { wasmKernel, type KernelArgs, type WasmBackendLike } from './_wasmBackend.js';

type Args = KernelArgs;

/**
 * `sum(x, axis, keepDims)`; fast when `axis` is `0 … j-1` for some `j` below the rank.
 * @hidden
 */
export function sum(args: Args): tf.TensorInfo {
  return leadingReduce(args, 'Sum');
}

/**
 * `mean(x, axis, keepDims)`; fast when `axis` is `0 … j-1` for some `j` below the rank.
 * @hidden
 */
export function mean(args: Args): tf.TensorInfo {
  return leadingReduce(args, 'Mean');
}

function leadingReduce(args: Args, kind: 'Sum' | 'Mean'): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const rank = x.shape.length;
  const axes = tf.util.parseAxisParam(axis, x.shape).sort((a, b) => a - b);
  const leading = axes.length > 0 && axes.length < rank && axes.every((a, i) => a === i);
  if (x.dtype !== 'float32' || !leading) return wasmKernel(kind)(args);
  const rows = x.shape.slice(0, axes.length).reduce((p, d) => p * d, 1);
  const rest = x.shape.slice(axes.length);
  const cols = rest.reduce((p, d) => p * d, 1);
  const outShape = keepDims ? [...axes.map(() => 1), ...rest] : rest;
  const scale = kind === 'Mean' ? 1 / rows : 1;
  const out = backend.makeOutput(outShape, 'float32');
  // Views after the allocation: a heap that grew detaches older views.
  const src = backend.typedArrayFromHeap(x) as Float32Array;
  const acc = addRows(src, rows, cols);
  const dst = backend.typedArrayFromHeap(out) as Float32Array;
  for (let c = 0; c < cols; c++) dst[c] = acc[c]! * scale;
  return out;
}

/** Σ over rows of `src` viewed as `[rows, cols]`, in float64. */
function addRows(src: Float32Array, rows: number, cols: number): Float64Array {
  const acc = new Float64Array(cols);
  let r = 0;
  // Eight rows per pass over the accumulator: fewer loads and stores of it.
  for (; r + 8 <= rows; r += 8) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) {
      const i = base + c;
      acc[c]! +=
        src[i]! + src[i + cols]! + (src[i + 2 * cols]! + src[i + 3 * cols]!) + (src[i + 4 * cols]! + src[i + 5 * cols]! + (src[i + 6 * cols]! + src[i + 7 * cols]!));
    }
  }
  for (; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) acc[c]! += src[base + c]!;
  }
  return acc;
}
