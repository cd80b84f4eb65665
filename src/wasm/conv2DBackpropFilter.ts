// The filter gradient of a 2-D convolution for the wasm backend, which registers
// none (tfjs#8474): where it pays, one dilated convolution on the backend's
// XNNPACK Conv2D (_filterConv.ts); otherwise im2col in a JS loop on the wasm
// heap, then one matmul that the backend runs on XNNPACK.
//
// Legend: N batch, H×W input size, OH×OW output size, Ci/Co channels, K×K kernel,
// P = N·OH·OW.
import type * as tf from '@tensorflow/tfjs-core';
import { checkShape, conv2DGeometry, type Conv2DAttrs } from './_conv2DGeometry.js';
import { im2col } from './_im2col.js';
import { matMul, transpose2D, type KernelArgs, type WasmBackendLike } from './_wasmBackend.js';
import { conv2DBackpropFilterByConv } from './_filterConv.js';

const KERNEL = 'Conv2DBackpropFilter';

/**
 * dW[i, j, ci, co] = Σ_p x[n, oh·s + i - padTop, ow·s + j - padLeft, ci] · dy[p, co],
 * i.e. `colsᵀ [K·K·Ci, P] · dy [P, Co]` as one matmul of batch 1 with no
 * transposes (the backend's XNNPACK path). im2col writes `cols` tap by tap in
 * contiguous copies and the backend's Transpose turns it: faster than writing
 * colsᵀ directly, whose reads or writes are strided. Images of 8 channels or
 * more go instead to one dilated convolution (see _filterConv.ts).
 * @hidden
 */
export function conv2DBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as Conv2DAttrs & { filterShape: [number, number, number, number] };
  const g = conv2DGeometry(KERNEL, x.shape as [number, number, number, number], attrs.filterShape, attrs);
  checkShape(KERNEL, 'dy', dy.shape, [g.n, g.oh, g.ow, g.co]);

  const byConv = conv2DBackpropFilterByConv(backend, x, dy, g);
  if (byConv !== null) return byConv;
  const cols = backend.makeOutput([g.p, g.rows], 'float32'); // [P, K·K·Ci]
  // Views are taken after the allocation: a heap that grew detaches older views.
  im2col(g, backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(cols) as Float32Array);
  if (g.co > g.rows) {
    // Fewer columns than output channels (a first layer: Ci = 1, 3 × 3 → 9): transpose
    // dy and let XNNPACK pack `cols`, the narrower of the two, rather than the reverse
    // (it packs its right operand, a cost per element). dWᵀ = dyᵀ · cols.
    const dyT = transpose2D(backend, dy, g.p, g.co); // [Co, P]
    const dwT = matMul(backend, dyT, cols, g.co, g.p, g.rows); // [1, Co, K·K·Ci]
    backend.disposeData(dyT.dataId);
    backend.disposeData(cols.dataId);
    const dw = transpose2D(backend, dwT, g.co, g.rows); // [K·K·Ci, Co]
    backend.disposeData(dwT.dataId);
    return { ...dw, shape: [g.kh, g.kw, g.ci, g.co] };
  }
  // colsᵀ on the backend's own Transpose, so the matmul below needs none.
  const colsT = transpose2D(backend, cols, g.p, g.rows); // [K·K·Ci, P]
  backend.disposeData(cols.dataId);
  const dw = matMul(backend, colsT, dy, g.rows, g.p, g.co); // [1, K·K·Ci, Co]
  backend.disposeData(colsT.dataId);
  return { ...dw, shape: [g.kh, g.kw, g.ci, g.co] }; // [K, K, Ci, Co], same buffer
}
