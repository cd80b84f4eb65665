// registerWasmKernels: the cases test/wasmKernels.test.ts (the shape matrix
// against the cpu backend) leaves out — explicit and asymmetric padding,
// non-square strides and kernels, rounding modes, transposed-convolution
// gradients — plus the no-op paths and the shape check.
//
// Legend: N batch, H/W size, Ci/Co channels, K kernel.
// tfjs-core alone registers no gradients (tfjs-layers' entry does).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectNoLeaks, runOn, useBackend } from './backends.js';
import { wasmKitProblem } from '../src/wasm/_kitProblem.js';
import { registerWasmKernels } from '../src/wasm/registerWasmKernels.js';
import { conv2DGeometry } from '../src/wasm/_conv2DGeometry.js';
import { conv2DBackpropFilterByConv } from '../src/wasm/_filterConv.js';
import { conv2DBackpropInputByPhases, conv2DBackpropInputBySeparatePhases } from '../src/wasm/_phaseConv.js';
import type { WasmBackendLike } from '../src/wasm/_wasmBackend.js';

// Before any suite starts the backend, so that it runs its threaded build (the default).
registerWasmKernels();

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

/** The same computation on cpu and on wasm (with the kit): equal to 1e-4 relative. */
async function expectSameOnWasm(inputs: tf.Tensor[], fn: (...t: tf.Tensor[]) => tf.Tensor[]): Promise<void> {
  const cpu = await runOn('cpu', inputs, fn);
  const wasm = await runOn('wasm', inputs, fn);
  expect(wasm.length).toBe(cpu.length);
  cpu.forEach((c, i) => expectAllClose(wasm[i]!, c));
  tf.dispose(inputs);
}

/** A weighted sum, so that every output element gets a different upstream gradient. */
function weightedSum(y: tf.Tensor): tf.Scalar {
  return tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
}

interface ConvCase {
  x: [number, number, number, number]; // [N, H, W, Ci]
  k: [number, number];
  co: number;
  strides: [number, number];
  pad: Pad;
}
const CONV_CASES: ConvCase[] = [
  { x: [1, 7, 9, 3], k: [3, 3], co: 5, strides: [1, 2], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [5, 9, 7, 1], k: [5, 5], co: 16, strides: [3, 3], pad: [[0, 0], [2, 0], [1, 3], [0, 0]] },
  { x: [2, 8, 8, 16], k: [4, 4], co: 3, strides: [2, 2], pad: [[0, 0], [1, 1], [2, 2], [0, 0]] },
  { x: [2, 7, 9, 3], k: [3, 2], co: 4, strides: [2, 1], pad: 'same' },
  { x: [5, 7, 9, 16], k: [1, 1], co: 1, strides: [2, 3], pad: 'valid' },
  { x: [1, 4, 4, 2], k: [5, 5], co: 2, strides: [1, 1], pad: 'same' }, // kernel larger than the image
  // Channel counts that take the convolution routes (the filter gradient as a dilated
  // convolution, the input gradient by phases): DCGAN-like, stride 1 with asymmetric
  // padding, a kernel smaller than the stride, a 1×1 kernel, batch 1.
  { x: [3, 10, 10, 8], k: [4, 4], co: 6, strides: [2, 2], pad: 'same' },
  { x: [2, 6, 7, 8], k: [3, 3], co: 4, strides: [1, 1], pad: [[0, 0], [0, 2], [2, 1], [0, 0]] },
  { x: [1, 8, 8, 8], k: [2, 2], co: 5, strides: [3, 3], pad: 'valid' },
  { x: [1, 7, 7, 8], k: [1, 1], co: 8, strides: [2, 2], pad: 'valid' },
  { x: [2, 9, 8, 9], k: [4, 2], co: 3, strides: [2, 2], pad: [[0, 0], [1, 2], [0, 0], [0, 0]] },
  { x: [2, 9, 9, 8], k: [3, 3], co: 4, strides: [2, 2], pad: 'same' },
];

/**
 * Geometries for the convolution routes taken regardless of their speed
 * heuristics: phases with a kernel smaller than, equal to or a multiple of the
 * stride, padding before of ceil(K/s)·s or more (no phase route), leftover rows under 'valid',
 * kernel larger than the image, asymmetric padding, 1×1 kernels, batch 1, one channel.
 */
const ROUTE_CASES: ConvCase[] = [
  { x: [1, 8, 8, 1], k: [2, 2], co: 3, strides: [3, 3], pad: 'valid' },
  { x: [2, 9, 11, 2], k: [1, 1], co: 2, strides: [2, 3], pad: 'valid' },
  { x: [1, 5, 6, 3], k: [3, 3], co: 2, strides: [1, 1], pad: [[0, 0], [2, 0], [0, 1], [0, 0]] },
  { x: [2, 7, 7, 2], k: [3, 3], co: 4, strides: [2, 2], pad: [[0, 0], [3, 3], [1, 0], [0, 0]] },
  { x: [2, 7, 7, 2], k: [3, 3], co: 4, strides: [2, 2], pad: [[0, 0], [4, 0], [1, 0], [0, 0]] }, // no phase route
  { x: [2, 13, 10, 3], k: [5, 3], co: 2, strides: [3, 2], pad: 'same' },
  { x: [1, 3, 3, 2], k: [5, 5], co: 3, strides: [2, 2], pad: 'same' },
  { x: [3, 11, 9, 1], k: [4, 4], co: 2, strides: [2, 2], pad: 'valid' },
  { x: [1, 6, 6, 4], k: [6, 6], co: 1, strides: [1, 1], pad: 'valid' },
];

interface TransposeCase {
  x: [number, number, number, number]; // the transposed convolution's input [N, H, W, Ci]
  output: [number, number, number, number];
  k: number;
  stride: number;
  pad: Pad;
  rounding?: 'floor' | 'round' | 'ceil';
}
const TRANSPOSE_CASES: TransposeCase[] = [
  { x: [5, 4, 5, 16], output: [5, 8, 9, 3], k: 3, stride: 2, pad: 1, rounding: 'floor' },
  { x: [2, 5, 6, 3], output: [2, 8, 10, 1], k: 3, stride: 2, pad: 1, rounding: 'ceil' },
  { x: [1, 3, 3, 1], output: [1, 9, 9, 16], k: 5, stride: 3, pad: 'same' },
  { x: [2, 4, 5, 3], output: [2, 9, 11, 2], k: 5, stride: 2, pad: [[0, 0], [1, 1], [2, 1], [0, 0]] },
];

describe('wasmKitProblem', () => {
  it('accepts tfjs-core 4.22.x with the wasm backend loaded', () => {
    expect(wasmKitProblem('4.22.0', true)).toBeNull();
    expect(wasmKitProblem('4.22.3', true)).toBeNull();
  });
  it('names the version it found when tfjs-core is not 4.22', () => {
    expect(wasmKitProblem('4.21.0', true)).toMatch(/expected @tensorflow\/tfjs-core 4\.22\.x, found 4\.21\.0/);
    expect(wasmKitProblem('5.0.0', true)).toMatch(/found 5\.0\.0/);
  });
  it('says to import the backend when wasm is not loaded', () => {
    expect(wasmKitProblem('4.22.0', false)).toMatch(/import '@tensorflow\/tfjs-backend-wasm' first/);
  });
});

describe('registerWasmKernels on wasm', () => {
  useBackend('wasm');

  it('registers both kernels, idempotently and without warnings', () => {
    const warn = console.warn;
    const warnings: unknown[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      expect(registerWasmKernels()).toBe(true);
      expect(registerWasmKernels()).toBe(true);
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([]);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('Conv2DBackpropInput', 'wasm')).toBeDefined();
  });

  it.each(CONV_CASES)('conv2d gradients match cpu: x $x, k $k, Co $co, strides $strides, pad $pad', async ({ x, k, co, strides, pad }) => {
    registerWasmKernels();
    const input = tf.randomNormal(x, 0, 1, 'float32', 11);
    const filter = tf.randomNormal([k[0], k[1], x[3], co], 0, 1, 'float32', 12);
    await expectSameOnWasm([input, filter], (a, b) =>
      tf.grads((xi: tf.Tensor, f: tf.Tensor) => weightedSum(tf.conv2d(xi as tf.Tensor4D, f as tf.Tensor4D, strides, pad)))([a!, b!]),
    );
    await tf.setBackend('wasm');
  });

  it.each(ROUTE_CASES)('the convolution routes match cpu (forced): x $x, k $k, Co $co, strides $strides, pad $pad', async ({ x, k, co, strides, pad }) => {
    const filterShape: [number, number, number, number] = [k[0], k[1], x[3], co];
    const attrs = { strides, pad, dataFormat: 'NHWC' as const };
    const info = tf.backend_util.computeConv2DInfo(x, filterShape, strides, 1, pad, undefined, false, 'channelsLast');
    const dyShape = [x[0], info.outHeight, info.outWidth, co];
    const input = tf.randomNormal(x, 0, 1, 'float32', 15);
    const filter = tf.randomNormal(filterShape, 0, 1, 'float32', 16);
    const dy = tf.randomNormal(dyShape, 0, 1, 'float32', 17);
    const [dxCpu, dwCpu] = await runOn('cpu', [input, filter, dy], (a, f, d) => [
      tf.engine().runKernel('Conv2DBackpropInput', { dy: d!, filter: f! }, { ...attrs, inputShape: x }) as tf.Tensor,
      tf.engine().runKernel('Conv2DBackpropFilter', { x: a!, dy: d! }, { ...attrs, filterShape }) as tf.Tensor,
    ]);
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as WasmBackendLike & { numDataIds(): number };
    const g = conv2DGeometry('test', x, filterShape, attrs);
    const [a, f, d] = [input, filter, dy].map((t) => tf.tensor(t.dataSync(), t.shape));
    const ids = backend.numDataIds();
    const dx = conv2DBackpropInputByPhases(backend, d!, f!, g, true);
    const padBefore = typeof pad === 'object' ? [pad[1][0], pad[2][0]] : [info.padInfo.top, info.padInfo.left];
    // No phase route where the padding before reaches the kernel's reach (it would need negative padding).
    if (padBefore[0]! >= Math.ceil(k[0] / strides[0]) * strides[0] || padBefore[1]! >= Math.ceil(k[1] / strides[1]) * strides[1]) expect(dx).toBeNull();
    else expectAllClose(tf.engine().makeTensorFromTensorInfo(dx!).dataSync() as Float32Array, dxCpu!);
    // One convolution per phase: no route where a phase's own taps fall short of its padding.
    const dxSeparate = conv2DBackpropInputBySeparatePhases(backend, d!, f!, g, true);
    if (dxSeparate !== null) expectAllClose(tf.engine().makeTensorFromTensorInfo(dxSeparate).dataSync() as Float32Array, dxCpu!);
    else expect(padBefore[0]! >= strides[0] || padBefore[1]! >= strides[1]).toBe(true);
    const dw = conv2DBackpropFilterByConv(backend, a!, d!, g, true)!;
    expectAllClose(tf.engine().makeTensorFromTensorInfo(dw).dataSync() as Float32Array, dwCpu!);
    // Only the results were added.
    const results = [dx, dxSeparate, dw].filter((r) => r !== null);
    expect(backend.numDataIds()).toBe(ids + results.length);
    tf.dispose([a!, f!, d!, input, filter, dy]);
    for (const r of results) backend.disposeData(r.dataId);
  });

  it.each(TRANSPOSE_CASES)('conv2dTranspose forward and gradients match cpu: x $x → $output, k $k, stride $stride, pad $pad, $rounding', async ({ x, output, k, stride, pad, rounding }) => {
    registerWasmKernels();
    const input = tf.randomNormal(x, 0, 1, 'float32', 13);
    const filter = tf.randomNormal([k, k, output[3], x[3]], 0, 1, 'float32', 14); // [K, K, Co, Ci]
    const run = (a: tf.Tensor, f: tf.Tensor) => tf.conv2dTranspose(a as tf.Tensor4D, f as tf.Tensor4D, output, stride, pad as 'same', rounding);
    await expectSameOnWasm([input, filter], (a, b) => {
      const y = run(a!, b!);
      expect(y.shape).toEqual(output);
      // Rounding modes are not passed on by conv2dTranspose's gradient (tfjs-core's
      // Conv2DBackpropInput_grad), so only the forward pass is compared there.
      return rounding === undefined ? [y, ...tf.grads((xi: tf.Tensor, f: tf.Tensor) => weightedSum(run(xi, f)))([a!, b!])] : [y];
    });
    await tf.setBackend('wasm');
  });

  it('rejects a dy that does not match the convolution, naming every shape, and frees nothing it did not make', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const x = tf.zeros([2, 8, 8, 3]);
    const dy = tf.zeros([2, 4, 5, 6]); // a 4×4 stride-2 'same' conv of 8×8 gives 4×4
    const filter = tf.zeros([4, 4, 3, 6]);
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    const attrs = { strides: [2, 2], pad: 'same', dataFormat: 'NHWC' } as const;
    expect(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...attrs, filterShape: [4, 4, 3, 6] })).toThrow(
      /Conv2DBackpropFilter: expected `dy` of shape \[2, 4, 4, 6\], received \[2, 4, 5, 6\]/,
    );
    expect(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter }, { ...attrs, inputShape: [2, 8, 8, 3] })).toThrow(
      /Conv2DBackpropInput: expected `dy` of shape \[2, 4, 4, 6\], received \[2, 4, 5, 6\]/,
    );
    expect(backend.numDataIds()).toBe(ids);
    tf.dispose([x, dy, filter]);
  });

  it('frees every intermediate of a transposed convolution and its gradients', async () => {
    registerWasmKernels();
    await tf.setBackend('wasm');
    const x = tf.randomNormal([2, 4, 4, 8]);
    const f = tf.randomNormal([4, 4, 3, 8]);
    expectNoLeaks(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, [2, 8, 8, 3], 2, 'same')))([x, f]));
    tf.dispose([x, f]);
  });
});
