// The filter gradient of a 2-D convolution for the wasm backend, which registers
// none (tfjs#8474): im2col in a JS loop on the wasm heap, then one matmul that
// the backend runs on XNNPACK.
//
// Legend: N batch, H×W input size, OH×OW output size, Ci/Co channels, K×K kernel,
// P = N·OH·OW output positions.
import * as tf from '@tensorflow/tfjs-core';
import { matMul, type WasmBackendLike } from './_wasmBackend.js';

/** @hidden */
export interface Conv2DBackpropFilterAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/**
 * dW[kh, kw, ci, co] = Σ_p x[n, oh·s + kh - padTop, ow·s + kw - padLeft, ci] · dy[p, co],
 * i.e. `colsᵀ [K·K·Ci, P] · dy [P, Co]`, with colsᵀ written directly in the
 * layout the matmul wants.
 * @hidden
 */
export function conv2DBackpropFilter(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = args.attrs as unknown as Conv2DBackpropFilterAttrs;
  if (dataFormat !== 'NHWC') throw new Error(`tfjs-generative/wasm: Conv2DBackpropFilter supports NHWC only, received ${dataFormat}.`);
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: ci, outHeight: oh, outWidth: ow, outChannels: co } = info;
  const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
  const { top: padTop, left: padLeft } = info.padInfo;
  const p = n * oh * ow;
  const rows = kh * kw * ci;

  const cols = backend.makeOutput([rows, p], 'float32'); // [K·K·Ci, P]
  const colsView = backend.typedArrayFromHeap(cols) as Float32Array;
  // Views are taken after the allocation: a heap that grew detaches older views.
  const xView = backend.typedArrayFromHeap(x) as Float32Array;
  colsView.fill(0);
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let c = 0; c < ow; c++) {
        const pos = (b * oh + r) * ow + c;
        for (let i = 0; i < kh; i++) {
          const y = r * sh + i - padTop;
          if (y < 0 || y >= h) continue;
          for (let j = 0; j < kw; j++) {
            const xc = c * sw + j - padLeft;
            if (xc < 0 || xc >= w) continue;
            const src = ((b * h + y) * w + xc) * ci;
            const dst = (i * kw + j) * ci * p + pos;
            for (let k = 0; k < ci; k++) colsView[dst + k * p] = xView[src + k]!;
          }
        }
      }
    }
  }
  const out = matMul(backend, cols, dy, rows, p, co); // [1, K·K·Ci, Co]
  backend.disposeData(cols.dataId);
  return { ...out, shape: [kh, kw, ci, co] };
}
