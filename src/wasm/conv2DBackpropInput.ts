// The input gradient of a 2-D convolution (also the forward pass of a transposed
// convolution) for the wasm backend, whose own kernel is a scalar loop: where it
// pays, stride-1 convolutions on the backend's XNNPACK Conv2D by the phase
// decomposition (_phaseConv.ts: one per phase, or one for all phases);
// otherwise one matmul on XNNPACK, then col2im in a JS loop on the wasm heap.
//
// Legend: N batch, H×W input size, OH×OW output size, Ci/Co channels, K×K kernel,
// P = N·OH·OW.
import type * as tf from '@tensorflow/tfjs-core';
import { checkShape, conv2DGeometry, type Conv2DAttrs } from './_conv2DGeometry.js';
import { col2imAdd } from './_im2col.js';
import { matMul, transpose2D, type KernelArgs, type WasmBackendLike } from './_wasmBackend.js';
import { conv2DBackpropInputByPhases, conv2DBackpropInputBySeparatePhases } from './_phaseConv.js';

const KERNEL = 'Conv2DBackpropInput';

/**
 * dx by phase convolutions where that is faster (see _phaseConv.ts), else
 * dx = col2im(dy [P, Co] · Wᵀ [Co, K·K·Ci]): each output position's row of
 * `cols` is added back onto the input pixels its kernel window covered.
 * @hidden
 */
export function conv2DBackpropInput(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as Conv2DAttrs & { inputShape: [number, number, number, number] };
  const g = conv2DGeometry(KERNEL, attrs.inputShape, filter.shape as [number, number, number, number], attrs);
  checkShape(KERNEL, 'dy', dy.shape, [g.n, g.oh, g.ow, g.co]);
  const { rows } = g;
  // One window covering the whole unpadded input (a transposed convolution from 1 × 1,
  // or the gradient of a discriminator's last, image-sized convolution): dx is dy · Wᵀ.
  const wholeWindow = g.oh === 1 && g.ow === 1 && g.kh === g.h && g.kw === g.w && g.padTop === 0 && g.padLeft === 0;
  if (!wholeWindow) {
    const byPhases = conv2DBackpropInputBySeparatePhases(backend, dy, filter, g) ?? conv2DBackpropInputByPhases(backend, dy, filter, g);
    if (byPhases !== null) return byPhases;
  }

  // Wᵀ on the backend's own Transpose: [K·K·Ci, Co] → [Co, K·K·Ci].
  const filterT = transpose2D(backend, filter, rows, g.co);
  const cols = matMul(backend, dy, filterT, g.p, g.co, rows); // [1, P, K·K·Ci]
  backend.disposeData(filterT.dataId);
  if (wholeWindow) return { ...cols, shape: [g.n, g.h, g.w, g.ci] }; // each pixel is in exactly one window

  const dx = backend.makeOutput([g.n, g.h, g.w, g.ci], 'float32'); // [N, H, W, Ci]
  // Views are taken after the last allocation: a heap that grew detaches older views.
  col2imAdd(g, backend.typedArrayFromHeap(cols) as Float32Array, backend.typedArrayFromHeap(dx) as Float32Array);
  backend.disposeData(cols.dataId);
  return dx;
}
