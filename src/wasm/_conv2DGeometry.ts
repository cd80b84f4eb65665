/**
 * What the two convolution-gradient kernels share: the geometry of a 2-D
 * convolution and the walk over every (output position, kernel tap) pair
 * whose input pixel lies inside the image.
 *
 * Legend: N batch, H×W input size, OH×OW output size, Ci/Co channels, K×K kernel,
 * P = N·OH·OW output positions.
 */
import * as tf from '@tensorflow/tfjs-core';

/** @hidden */
export interface Conv2DAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** @hidden */
export interface Conv2DGeometry {
  n: number;
  h: number;
  w: number;
  ci: number;
  oh: number;
  ow: number;
  co: number;
  kh: number;
  kw: number;
  /** Output positions N·OH·OW. */
  p: number;
  /** Rows of the im2col matrix, K·K·Ci. */
  rows: number;
  sh: number;
  sw: number;
  padTop: number;
  padLeft: number;
}

/** @hidden */
export function conv2DGeometry(
  kernel: string,
  inputShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: Conv2DAttrs,
): Conv2DGeometry {
  if (attrs.dataFormat !== 'NHWC') {
    throw new Error(`tfjs-generative/wasm: ${kernel} supports NHWC only, received ${attrs.dataFormat}.`);
  }
  const info = tf.backend_util.computeConv2DInfo(inputShape, filterShape, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode, false, 'channelsLast');
  const g = {
    n: info.batchSize,
    h: info.inHeight,
    w: info.inWidth,
    ci: info.inChannels,
    oh: info.outHeight,
    ow: info.outWidth,
    co: info.outChannels,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
  return { ...g, p: g.n * g.oh * g.ow, rows: g.kh * g.kw * g.ci };
}

/**
 * Calls `visit(pos, tap, pixel)` for every output position `pos` (0..P-1),
 * kernel tap `tap` (0..K·K-1) and the flat index `pixel` of the input pixel
 * (`[N, H, W]` order, times Ci gives the channel-0 offset) it reads, skipping
 * taps that fall in the padding.
 * @hidden
 */
export function forEachTap(g: Conv2DGeometry, visit: (pos: number, tap: number, pixel: number) => void): void {
  for (let b = 0; b < g.n; b++) {
    for (let r = 0; r < g.oh; r++) {
      for (let c = 0; c < g.ow; c++) {
        const pos = (b * g.oh + r) * g.ow + c;
        for (let i = 0; i < g.kh; i++) {
          const y = r * g.sh + i - g.padTop;
          if (y < 0 || y >= g.h) continue;
          for (let j = 0; j < g.kw; j++) {
            const x = c * g.sw + j - g.padLeft;
            if (x < 0 || x >= g.w) continue;
            visit(pos, i * g.kw + j, (b * g.h + y) * g.w + x);
          }
        }
      }
    }
  }
}
