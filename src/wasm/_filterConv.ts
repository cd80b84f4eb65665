/**
 * Conv2DBackpropFilter as one forward convolution on the backend's own
 * (XNNPACK, threaded) Conv2D kernel:
 * dW[i, j, ci, co] = Σ_{n, y, x} x[n, y·s + i − pt, x·s + j − pl, ci] · dy[n, y, x, co]
 * is a stride-1 convolution of xᵀ `[Ci, H, W, N]` (the input channels as the
 * batch, the batch as the channels) with dyᵀ `[OH, OW, N, Co]` as its filter,
 * dilated by the stride. XNNPACK reads the windows through its indirection
 * buffer, so no `[P, K·K·Ci]` im2col matrix is written or transposed.
 *
 * Legend: N batch, H×W input size, OH×OW output size, Ci/Co channels, K×K kernel,
 * s stride, pt/pl top/left padding.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Conv2DGeometry } from './_conv2DGeometry.js';
import { wasmKernel, type WasmBackendLike } from './_wasmBackend.js';

/**
 * The convolution is used for images of at least this many channels (its
 * output positions are Ci·K·K: with 1 channel, XNNPACK's product has too few
 * rows and the im2col route is faster), and when the taps it computes beyond
 * the K×K (input rows past the last window) are at most `MAX_WASTE` times K·K.
 * The thresholds were chosen by timing both routes on MNIST DCGAN and conv-VAE
 * shapes (4×4 and 3×3 kernels, stride 2, 32 → 64 channels; larger images gain
 * little); `npm run bench -- --only conv` measures a DCGAN-sized filter gradient.
 */
const MIN_CHANNELS = 8;
const MAX_WASTE = 1.5;

/**
 * dW `[K, K, Ci, Co]` for `x [N, H, W, Ci]` and `dy [N, OH, OW, Co]` by one
 * dilated convolution, or `null` where the im2col route is expected to be
 * faster. `force` (for tests) takes this route regardless.
 * @hidden
 */
export function conv2DBackpropFilterByConv(backend: WasmBackendLike, x: tf.TensorInfo, dy: tf.TensorInfo, g: Conv2DGeometry, force = false): tf.TensorInfo | null {
  const { kh, kw, ci, co, sh, sw, padTop, padLeft } = g;
  // Padding after, so that the convolution's output covers the K×K taps (rows past K are dropped).
  const padBottom = Math.max(0, kh + (g.oh - 1) * sh - g.h - padTop);
  const padRight = Math.max(0, kw + (g.ow - 1) * sw - g.w - padLeft);
  const rh = g.h + padTop + padBottom - (g.oh - 1) * sh;
  const rw = g.w + padLeft + padRight - (g.ow - 1) * sw;
  if (!force && (ci < MIN_CHANNELS || rh * rw > MAX_WASTE * kh * kw)) return null;
  const transpose = wasmKernel('Transpose');
  const xt = transpose({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } }); // [Ci, H, W, N]
  let out: tf.TensorInfo;
  try {
    const dyt = transpose({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }); // [OH, OW, N, Co]
    try {
      out = wasmKernel('Conv2D')({
        inputs: { x: xt, filter: dyt },
        backend,
        attrs: { strides: 1, pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]], dataFormat: 'NHWC', dilations: [sh, sw] },
      }); // [Ci, Rh, Rw, Co]
    } finally {
      backend.disposeData(dyt.dataId);
    }
  } finally {
    backend.disposeData(xt.dataId);
  }
  const dw = backend.makeOutput([kh, kw, ci, co], 'float32');
  // Views after the last allocation: a heap that grew detaches older views.
  const src = backend.typedArrayFromHeap(out) as Float32Array;
  const dst = backend.typedArrayFromHeap(dw) as Float32Array;
  let d = 0;
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let c = 0; c < ci; c++, d += co) {
        const s = ((c * rh + i) * rw + j) * co;
        dst.set(src.subarray(s, s + co), d);
      }
    }
  }
  backend.disposeData(out.dataId);
  return dw;
}
