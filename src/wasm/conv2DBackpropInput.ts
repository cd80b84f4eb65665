// The input gradient of a 2-D convolution (also the forward pass of a transposed
// convolution) for the wasm backend, whose own kernel is a scalar loop: one
// matmul on XNNPACK, then col2im in a JS loop on the wasm heap.
//
// Legend: N batch, H×W input size, OH×OW output size, Ci/Co channels, K×K kernel,
// P = N·OH·OW output positions.
import * as tf from '@tensorflow/tfjs-core';
import { matMul, wasmKernel, type WasmBackendLike } from './_wasmBackend.js';

/** @hidden */
export interface Conv2DBackpropInputAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape: [number, number, number, number];
}

/**
 * dx = col2im(dy [P, Co] · Wᵀ [Co, K·K·Ci]): each output position's row of
 * `cols` is added back onto the input pixels its kernel window covered.
 * @hidden
 */
export function conv2DBackpropInput(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs: tf.NamedAttrMap;
}): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } = args.attrs as unknown as Conv2DBackpropInputAttrs;
  if (dataFormat !== 'NHWC') throw new Error(`tfjs-generative/wasm: Conv2DBackpropInput supports NHWC only, received ${dataFormat}.`);
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
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

  // Wᵀ: [K·K·Ci, Co] → [Co, K·K·Ci], on the backend's own Transpose.
  const filterT = wasmKernel('Transpose')({
    inputs: { x: { ...filter, shape: [rows, co] } },
    backend,
    attrs: { perm: [1, 0] },
  });
  const cols = matMul(backend, dy, filterT, p, co, rows); // [1, P, K·K·Ci]
  backend.disposeData(filterT.dataId);

  const dx = backend.makeOutput([n, h, w, ci], 'float32'); // [N, H, W, Ci]
  const dxView = backend.typedArrayFromHeap(dx) as Float32Array;
  const colsView = backend.typedArrayFromHeap(cols) as Float32Array;
  dxView.fill(0);
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < oh; r++) {
      for (let c = 0; c < ow; c++) {
        const rowStart = ((b * oh + r) * ow + c) * rows;
        for (let i = 0; i < kh; i++) {
          const y = r * sh + i - padTop;
          if (y < 0 || y >= h) continue;
          for (let j = 0; j < kw; j++) {
            const xc = c * sw + j - padLeft;
            if (xc < 0 || xc >= w) continue;
            const dst = ((b * h + y) * w + xc) * ci;
            const src = rowStart + (i * kw + j) * ci;
            for (let k = 0; k < ci; k++) dxView[dst + k] = dxView[dst + k]! + colsView[src + k]!;
          }
        }
      }
    }
  }
  backend.disposeData(cols.dataId);
  return dx;
}
