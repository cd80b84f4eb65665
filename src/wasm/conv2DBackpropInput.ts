// The input gradient of a 2-D convolution (also the forward pass of a transposed
// convolution) for the wasm backend, whose own kernel is a scalar loop: one
// matmul on XNNPACK, then col2im in a JS loop on the wasm heap.
//
// Legend: N batch, H×W input size, Ci/Co channels, K×K kernel, P = N·OH·OW.
import type * as tf from '@tensorflow/tfjs-core';
import { conv2DGeometry, forEachTap, type Conv2DAttrs } from './_conv2DGeometry.js';
import { matMul, wasmKernel, type WasmBackendLike } from './_wasmBackend.js';

/**
 * dx = col2im(dy [P, Co] · Wᵀ [Co, K·K·Ci]): each output position's row of
 * `cols` is added back onto the input pixels its kernel window covered.
 * @hidden
 */
export function conv2DBackpropInput(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as Conv2DAttrs & { inputShape: [number, number, number, number] };
  const g = conv2DGeometry('Conv2DBackpropInput', attrs.inputShape, filter.shape as [number, number, number, number], attrs);
  const { rows, ci } = g;

  // Wᵀ: [K·K·Ci, Co] → [Co, K·K·Ci], on the backend's own Transpose.
  const filterT = wasmKernel('Transpose')({ inputs: { x: { ...filter, shape: [rows, g.co] } }, backend, attrs: { perm: [1, 0] } });
  const cols = matMul(backend, dy, filterT, g.p, g.co, rows); // [1, P, K·K·Ci]
  backend.disposeData(filterT.dataId);

  const dx = backend.makeOutput([g.n, g.h, g.w, ci], 'float32'); // [N, H, W, Ci]
  const dxView = backend.typedArrayFromHeap(dx) as Float32Array;
  const colsView = backend.typedArrayFromHeap(cols) as Float32Array;
  dxView.fill(0);
  forEachTap(g, (pos, tap, pixel) => {
    const dst = pixel * ci;
    const src = pos * rows + tap * ci;
    for (let k = 0; k < ci; k++) dxView[dst + k] = dxView[dst + k]! + colsView[src + k]!;
  });
  backend.disposeData(cols.dataId);
  return dx;
}
