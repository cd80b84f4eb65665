/**
 * What the two convolution-gradient kernels share: the geometry of a 2-D
 * convolution, from tfjs-core's own `computeConv2DInfo`, and a shape check.
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
 * Throws, naming the kernel and every shape, unless `actual` equals `expected`
 * (e.g. a `dy` that does not match the output size the convolution attrs give).
 * @hidden
 */
export function checkShape(kernel: string, name: string, actual: readonly number[], expected: readonly number[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new Error(`tfjs-generative/wasm: ${kernel}: expected \`${name}\` of shape [${expected.join(', ')}], received [${actual.join(', ')}].`);
  }
}
