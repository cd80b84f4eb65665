/**
 * Conv2DBackpropInput as ordinary stride-1 convolutions on the backend's own
 * (XNNPACK, threaded) Conv2D kernel, by the sub-pixel (phase) decomposition.
 * Along one axis, with pt = m·s + e (e < s): dx row y, written y + e = q·s + a
 * (phase a < s), receives dy row r = q + m − t through kernel row i = a + t·s,
 * for t = 0 … T − 1, T = ceil(K/s). So every phase is a stride-1 correlation of
 * dy with a sub-kernel of W (flipped, channels swapped), padded by T − 1 − m
 * before. Two ways to run them: one convolution per phase, each with only its
 * own taps (`conv2DBackpropInputBySeparatePhases`); or one convolution for all
 * phases (`conv2DBackpropInputByPhases`): one filter
 * `[Th, Tw, Co, sh·sw·Ci]` holds all phases' sub-kernels (zero where a tap
 * falls outside the kernel), and the convolution's
 * `sh·sw·Ci` channels are then interleaved into dx (depth-to-space), which suits
 * images of few channels. Either way the products run on the backend's
 * convolution and write dx-sized output instead of a `[P, K·K·Ci]` matrix that
 * col2im then reads back.
 *
 * Legend: N batch, H×W input size, OH×OW output size, Ci/Co channels, K×K kernel,
 * s stride, pt/pl top/left padding.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { Conv2DGeometry } from './_conv2DGeometry.js';
import { wasmKernel, type WasmBackendLike } from './_wasmBackend.js';

/**
 * Which route the input gradient takes, from measurements on MNIST DCGAN and
 * conv-VAE shapes (batch 64, 2 threads). Images of `SEPARATE_MIN_CHANNELS`
 * channels or more: one convolution per phase, whose multiply-adds (padding
 * rows included) are at most `MAX_WASTE` times the im2col route's (faster than
 * im2col on the 3×3 and 4×4 stride-2 layers of the MNIST models). Fewer
 * channels: the single phase convolution, when its output has at least
 * `MIN_CHANNELS` channels (XNNPACK is slow with fewer, as in a stride-1
 * gradient onto a 1-channel image) and its multiply-adds, zero taps included,
 * are at most `MAX_WASTE_FEW_CHANNELS` times im2col's (1-channel images,
 * stride 2, where col2im runs one value per tap). Otherwise
 * (e.g. a 7×7 kernel over a 1×1 dy, where most taps read padding) im2col.
 */
const SEPARATE_MIN_CHANNELS = 8;
const MAX_WASTE = 1.5;
const MIN_CHANNELS = 4;
const MAX_WASTE_FEW_CHANNELS = 2;

/** The phase decomposition along one axis. @hidden */
export interface PhaseAxis {
  /** dy rows each phase's window spans (the sub-kernel size). */
  taps: number;
  /** Offset of the first kernel row, `pad mod stride`. */
  e: number;
  /** Padding of dy before (top/left) for the stride-1 convolution. */
  before: number;
  /** Padding of dy after (bottom/right), so that the output covers every phase row dx needs. */
  after: number;
  /** Rows of the convolution's output: at least the phase rows dx needs, ⌊(size − 1 + e)/s⌋ + 1. */
  outSize: number;
}

/**
 * One axis of the decomposition, or `null` where it needs negative padding
 * (padding before of ceil(K/s)·s or more). `size` is dx's, `outSize` dy's.
 * @hidden
 */
export function phaseAxis(size: number, outSize: number, k: number, s: number, pad: number): PhaseAxis | null {
  const m = Math.floor(pad / s);
  const e = pad - m * s;
  const taps = Math.ceil(k / s);
  const before = taps - 1 - m;
  if (before < 0) return null;
  const rows = Math.floor((size - 1 + e) / s) + 1; // phase rows dx needs
  const after = Math.max(0, rows - outSize - before + taps - 1);
  return { taps, e, before, after, outSize: outSize + before + after - taps + 1 };
}

/**
 * dx for `dy [N, OH, OW, Co]` and `filter [K, K, Ci, Co]` by one phase
 * convolution, or `null` where that route does not apply or is not expected to
 * be the fastest (see `SEPARATE_MIN_CHANNELS`). `force` (for tests) skips the
 * speed heuristics, not the applicability check.
 * @hidden
 */
export function conv2DBackpropInputByPhases(backend: WasmBackendLike, dy: tf.TensorInfo, filter: tf.TensorInfo, g: Conv2DGeometry, force = false): tf.TensorInfo | null {
  const ah = phaseAxis(g.h, g.oh, g.kh, g.sh, g.padTop);
  const aw = phaseAxis(g.w, g.ow, g.kw, g.sw, g.padLeft);
  if (ah === null || aw === null) return null;
  if (!force && g.ci >= SEPARATE_MIN_CHANNELS) return null;
  const phases = g.sh * g.sw;
  const channels = phases * g.ci; // the convolution's output channels
  const convWork = g.n * ah.outSize * aw.outSize * ah.taps * aw.taps * g.co * channels;
  if (!force && (channels < MIN_CHANNELS || convWork > MAX_WASTE_FEW_CHANNELS * g.p * g.rows * g.co)) return null;

  const { kh, kw, ci, co, sh, sw } = g;
  const fc = backend.makeOutput([ah.taps, aw.taps, co, channels], 'float32');
  {
    const w = backend.typedArrayFromHeap(filter) as Float32Array; // [K, K, Ci, Co]
    const f = backend.typedArrayFromHeap(fc) as Float32Array; // [Th, Tw, Co, sh·sw·Ci]
    let d = 0;
    for (let u = 0; u < ah.taps; u++) {
      for (let v = 0; v < aw.taps; v++) {
        for (let o = 0; o < co; o++) {
          for (let a = 0; a < sh; a++) {
            const i = a + (ah.taps - 1 - u) * sh;
            for (let b = 0; b < sw; b++) {
              const j = b + (aw.taps - 1 - v) * sw;
              if (i >= kh || j >= kw) {
                f.fill(0, d, d + ci);
                d += ci;
                continue;
              }
              let src = (i * kw + j) * ci * co + o;
              for (let c = 0; c < ci; c++, d++, src += co) f[d] = w[src]!;
            }
          }
        }
      }
    }
  }
  let out: tf.TensorInfo;
  try {
    out = wasmKernel('Conv2D')({
      inputs: { x: dy, filter: fc },
      backend,
      attrs: { strides: 1, pad: [[0, 0], [ah.before, ah.after], [aw.before, aw.after], [0, 0]], dataFormat: 'NHWC', dilations: 1 },
    }); // [N, Rh, Rw, sh·sw·Ci]
  } finally {
    backend.disposeData(fc.dataId);
  }
  const dx = backend.makeOutput([g.n, g.h, g.w, ci], 'float32');
  // Views after the last allocation: a heap that grew detaches older views.
  depthToSpace(g, ah, aw, backend.typedArrayFromHeap(out) as Float32Array, backend.typedArrayFromHeap(dx) as Float32Array);
  backend.disposeData(out.dataId);
  return dx;
}

/**
 * dx[n, y, x, c] = conv[n, ⌊(y + eh)/sh⌋, ⌊(x + ew)/sw⌋, (((y + eh) mod sh)·sw + (x + ew) mod sw)·Ci + c],
 * e = pad mod stride.
 */
function depthToSpace(g: Conv2DGeometry, ah: PhaseAxis, aw: PhaseAxis, conv: Float32Array, dx: Float32Array): void {
  const { n, h, w, ci, sh, sw } = g;
  const channels = sh * sw * ci;
  const rh = ah.outSize;
  const rw = aw.outSize;
  const wide = ci >= 8; // copy with set() (a native memcpy) once the chunks are long enough
  let d = 0;
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const yy = y + ah.e;
      const q = Math.floor(yy / sh);
      const rowBase = (b * rh + q) * rw * channels + (yy - q * sh) * sw * ci;
      for (let x = 0; x < w; x++, d += ci) {
        const xx = x + aw.e;
        const qx = Math.floor(xx / sw);
        const src = rowBase + qx * channels + (xx - qx * sw) * ci;
        if (wide) dx.set(conv.subarray(src, src + ci), d);
        else for (let c = 0; c < ci; c++) dx[d + c] = conv[src + c]!;
      }
    }
  }
}

/**
 * dx by one stride-1 convolution per phase, each with its own sub-kernel
 * (`[ceil((K − a)/s), …, Co, Ci]`): no zero taps, so for kernels that are not
 * a multiple of the stride (3×3 stride 2: 9 taps instead of 16), at the cost of
 * s² convolution calls. `null` where a phase would need negative padding, or
 * where the route is not expected to be the fastest (see
 * `SEPARATE_MIN_CHANNELS`); `force` (for tests) skips the latter check.
 * @hidden
 */
export function conv2DBackpropInputBySeparatePhases(backend: WasmBackendLike, dy: tf.TensorInfo, filter: tf.TensorInfo, g: Conv2DGeometry, force = false): tf.TensorInfo | null {
  const { n, h, w, kh, kw, ci, co, sh, sw, oh, ow } = g;
  const rowsH: PhaseAxis[] = [];
  const rowsW: PhaseAxis[] = [];
  for (let a = 0; a < sh; a++) {
    const axis = separatePhaseAxis(h, oh, kh, sh, g.padTop, a);
    if (axis === null) return null;
    rowsH.push(axis);
  }
  for (let b = 0; b < sw; b++) {
    const axis = separatePhaseAxis(w, ow, kw, sw, g.padLeft, b);
    if (axis === null) return null;
    rowsW.push(axis);
  }
  if (!force) {
    if (ci < SEPARATE_MIN_CHANNELS) return null;
    let work = 0;
    for (const ah of rowsH) for (const aw of rowsW) work += n * Math.max(0, ah.outSize) * Math.max(0, aw.outSize) * ah.taps * aw.taps * co * ci;
    if (work > MAX_WASTE * g.p * g.rows * co) return null;
  }
  const dx = backend.makeOutput([n, h, w, ci], 'float32');
  (backend.typedArrayFromHeap(dx) as Float32Array).fill(0);
  const conv = wasmKernel('Conv2D');
  for (let a = 0; a < sh; a++) {
    const ah = rowsH[a]!;
    for (let b = 0; b < sw; b++) {
      const aw = rowsW[b]!;
      // Phases that receive nothing (a kernel smaller than the stride) or hold no dx pixel stay 0.
      if (ah.taps === 0 || aw.taps === 0 || ah.outSize <= 0 || aw.outSize <= 0) continue;
      const fc = backend.makeOutput([ah.taps, aw.taps, co, ci], 'float32');
      {
        const wt = backend.typedArrayFromHeap(filter) as Float32Array; // [K, K, Ci, Co]
        const f = backend.typedArrayFromHeap(fc) as Float32Array; // [Ta, Tb, Co, Ci]
        let d = 0;
        for (let u = 0; u < ah.taps; u++) {
          const i = a + (ah.taps - 1 - u) * sh;
          for (let v = 0; v < aw.taps; v++) {
            const j = b + (aw.taps - 1 - v) * sw;
            for (let o = 0; o < co; o++) {
              let src = (i * kw + j) * ci * co + o;
              for (let c = 0; c < ci; c++, d++, src += co) f[d] = wt[src]!;
            }
          }
        }
      }
      let out: tf.TensorInfo;
      try {
        out = conv({
          inputs: { x: dy, filter: fc },
          backend,
          attrs: { strides: 1, pad: [[0, 0], [ah.before, ah.after], [aw.before, aw.after], [0, 0]], dataFormat: 'NHWC', dilations: 1 },
        }); // [N, Ra, Rb, Ci]
      } finally {
        backend.disposeData(fc.dataId);
      }
      // dx[n, q·sh + a − eh, p·sw + b − ew, c] = out[n, q, p, c]; views after the allocations.
      const src = backend.typedArrayFromHeap(out) as Float32Array;
      const dst = backend.typedArrayFromHeap(dx) as Float32Array;
      const rh = ah.outSize;
      const rw = aw.outSize;
      const wide = ci >= 8;
      for (let bn = 0; bn < n; bn++) {
        for (let q = 0; q < rh; q++) {
          const y = q * sh + a - ah.e;
          if (y < 0 || y >= h) continue;
          for (let p = 0; p < rw; p++) {
            const x = p * sw + b - aw.e;
            if (x < 0 || x >= w) continue;
            const s0 = ((bn * rh + q) * rw + p) * ci;
            const d0 = ((bn * h + y) * w + x) * ci;
            if (wide) dst.set(src.subarray(s0, s0 + ci), d0);
            else for (let c = 0; c < ci; c++) dst[d0 + c] = src[s0 + c]!;
          }
        }
      }
      backend.disposeData(out.dataId);
    }
  }
  return dx;
}

/**
 * Phase `a` of one axis, on its own: dx rows y = q·s + a − e (q ≥ 0) through
 * kernel rows a, a + s, …; `taps` 0 where a ≥ K. `null` where it would need
 * negative padding.
 */
function separatePhaseAxis(size: number, outSize: number, k: number, s: number, pad: number, a: number): PhaseAxis | null {
  const m = Math.floor(pad / s);
  const e = pad - m * s;
  const taps = Math.max(0, Math.ceil((k - a) / s));
  const rows = Math.floor((size - 1 + e - a) / s) + 1; // q = 0 … rows − 1 (the first may fall before dx)
  if (taps === 0 || rows <= 0) return { taps, e, before: 0, after: 0, outSize: 0 };
  const before = taps - 1 - m;
  if (before < 0) return null;
  const after = Math.max(0, rows - outSize - before + taps - 1);
  return { taps, e, before, after, outSize: outSize + before + after - taps + 1 };
}
