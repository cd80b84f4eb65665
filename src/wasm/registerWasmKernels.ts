// Kernels that make convolutional models trainable, and fast, on
// @tensorflow/tfjs-backend-wasm 4.22: it registers no Conv2DBackpropFilter
// (tfjs#8474) and runs Conv2DBackpropInput (the input gradient, and the forward
// pass of every transposed convolution) as a scalar loop.
import * as tf from '@tensorflow/tfjs-core';
import { conv2DBackpropFilter } from './conv2DBackpropFilter.js';
import { conv2DBackpropInput } from './conv2DBackpropInput.js';

const TESTED_CORE = /^4\.22\./;
const KERNELS: readonly tf.KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: conv2DBackpropFilter as unknown as tf.KernelFunc },
  { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: conv2DBackpropInput as unknown as tf.KernelFunc },
];

let installed = false;

/**
 * Registers the library's kernels for TensorFlow.js's wasm backend, so that
 * convolutional models (DCGAN, convolutional VAEs, …) train on it.
 *
 * TensorFlow.js 4.22's wasm backend has no `Conv2DBackpropFilter` kernel, so a
 * convolution's weights cannot be trained there, and its `Conv2DBackpropInput`
 * is a scalar loop. This registers both, built as im2col/col2im around one
 * matrix product that the backend runs on XNNPACK. Results match the cpu
 * backend to float tolerance (tested on strides 1–3, `same`/`valid`/explicit
 * padding, odd sizes).
 *
 * Call it once, after importing `@tensorflow/tfjs-backend-wasm` and before
 * training. It does not select a backend: that stays your choice. It is
 * idempotent, and a no-op (returning `false`, with a warning) when the wasm
 * backend is not loaded or tfjs-core is not the tested 4.22.
 *
 * @returns Whether the kernels are registered.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmKernels } from 'tfjs-generative/wasm';
 * registerWasmKernels();
 * await tf.setBackend('wasm');
 * console.log(tf.getBackend()); // wasm
 * ```
 *
 * @category WASM
 */
export function registerWasmKernels(): boolean {
  if (installed) return true;
  if (!TESTED_CORE.test(tf.version_core)) {
    console.warn(`tfjs-generative/wasm: tested with @tensorflow/tfjs-core 4.22, found ${tf.version_core}; the wasm backend is left as it is.`);
    return false;
  }
  if (tf.findBackendFactory('wasm') === null || tf.getKernel('BatchMatMul', 'wasm') === undefined) {
    console.warn("tfjs-generative/wasm: the wasm backend is not loaded; import '@tensorflow/tfjs-backend-wasm' first.");
    return false;
  }
  for (const config of KERNELS) {
    if (tf.getKernel(config.kernelName, 'wasm') !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
  installed = true;
  return true;
}
