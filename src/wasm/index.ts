/**
 * The wasm kit: `registerWasmKernels()` adds the kernels that
 * `@tensorflow/tfjs-backend-wasm` 4.22 lacks (`Conv2DBackpropFilter`,
 * `UnsortedSegmentSum`), so convolutional models and embeddings train there,
 * replaces slow ones with faster versions, and starts the backend's threaded
 * build in Node and in cross-origin-isolated pages. Call it after importing
 * the backend and before `tf.setBackend('wasm')`.
 *
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmKernels } from 'tfjs-generative/wasm';
 * registerWasmKernels();
 * if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
 * ```
 *
 * This subpath only: the root entry `tfjs-generative` does not export it.
 * Guide: "Choosing a backend".
 *
 * @module tfjs-generative/wasm
 */
export { registerWasmKernels, type WasmKitOptions } from './registerWasmKernels.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
