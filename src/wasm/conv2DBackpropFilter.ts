// The filter gradient of a 2-D convolution for the wasm backend, which registers
// none (tfjs#8474): im2col in a JS loop on the wasm heap, then one matmul that
// the backend runs on XNNPACK.
//
// Legend: N batch, OH×OW output size, Ci/Co channels, K×K kernel, P = N·OH·OW.
import type * as tf from '@tensorflow/tfjs-core';
import { conv2DGeometry, forEachTap, type Conv2DAttrs } from './_conv2DGeometry.js';
import { matMul, type WasmBackendLike } from './_wasmBackend.js';

/**
 * dW[kh, kw, ci, co] = Σ_p x[n, oh·s + kh - padTop, ow·s + kw - padLeft, ci] · dy[p, co],
 * i.e. `colsᵀ [K·K·Ci, P] · dy [P, Co]`, with colsᵀ written directly in the
 * layout the matmul wants.
 * @hidden
 */
export function conv2DBackpropFilter(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as Conv2DAttrs & { filterShape: [number, number, number, number] };
  const g = conv2DGeometry('Conv2DBackpropFilter', x.shape as [number, number, number, number], attrs.filterShape, attrs);
  const { p, ci } = g;

  const cols = backend.makeOutput([g.rows, p], 'float32'); // [K·K·Ci, P]
  const colsView = backend.typedArrayFromHeap(cols) as Float32Array;
  // Views are taken after the allocation: a heap that grew detaches older views.
  const xView = backend.typedArrayFromHeap(x) as Float32Array;
  colsView.fill(0);
  forEachTap(g, (pos, tap, pixel) => {
    const src = pixel * ci;
    const dst = tap * ci * p + pos;
    for (let k = 0; k < ci; k++) colsView[dst + k * p] = xView[src + k]!;
  });
  const out = matMul(backend, cols, dy, g.rows, p, g.co); // [1, K·K·Ci, Co]
  backend.disposeData(cols.dataId);
  return { ...out, shape: [g.kh, g.kw, ci, g.co] };
}
