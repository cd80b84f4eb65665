// SplitV for the wasm backend. Its own kernel calls the backend's Slice once per
// piece, and that Slice reads the whole input out of the heap each time (see
// ./slice.ts), so a split costs the pieces times the whole input. This one cuts
// each piece with the kit's Slice, which copies only the piece.
import * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from './_wasmBackend.js';
import { slice } from './slice.js';

/**
 * `x` cut along `axis` into pieces of the given sizes (or that many equal pieces).
 * @hidden
 */
export function splitV(args: KernelArgs): tf.TensorInfo[] {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number | number[] };
  const at = tf.util.parseAxisParam(axis, x.shape)[0]!;
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, at);
  const begin = x.shape.map(() => 0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[at] = s;
    const piece = slice({ inputs: { x }, backend: args.backend, attrs: { begin: [...begin], size } });
    begin[at]! += s;
    return piece;
  });
}
