// Kernels that make convolutional models trainable, and fast, on
// @tensorflow/tfjs-backend-wasm 4.22: it registers no Conv2DBackpropFilter
// (tfjs#8474) and runs Conv2DBackpropInput (the input gradient, and the forward
// pass of every transposed convolution) as a scalar loop; its Tile, which batch
// norm's gradient calls every step, computes an index per element; its
// BatchMatMul sends only untransposed batch-1 products to XNNPACK.
import * as tf from '@tensorflow/tfjs-core';
import { clampThreads, defaultThreads, findWasmPackage, requestThreads, wasmBackendStarted, wasmThreadsCount, wasmVersionProblem } from './_threads.js';
import { wasmKitProblem } from './_kitProblem.js';
import { keepOriginalKernel, wasmKernelConfig } from './_wasmBackend.js';
import { batchMatMul } from './batchMatMul.js';
import { conv2DBackpropFilter } from './conv2DBackpropFilter.js';
import { conv2DBackpropInput } from './conv2DBackpropInput.js';
import { fusedMatMul } from './fusedMatMul.js';
import { nativeBinary, nativeUnary, select } from './_elementwise.js';
import { identity } from './identity.js';
import { leakyRelu } from './leakyRelu.js';
import { slice } from './slice.js';
import { splitV } from './splitV.js';
import { mean, sum } from './sum.js';
import { tanh } from './tanh.js';
import { tile } from './tile.js';
import { unsortedSegmentSum } from './unsortedSegmentSum.js';

const KERNELS: readonly tf.KernelConfig[] = [
  wasmKernelConfig('BatchMatMul', batchMatMul),
  wasmKernelConfig('Conv2DBackpropFilter', conv2DBackpropFilter),
  wasmKernelConfig('Conv2DBackpropInput', conv2DBackpropInput),
  wasmKernelConfig('_FusedMatMul', fusedMatMul),
  wasmKernelConfig('Identity', identity),
  wasmKernelConfig('LeakyRelu', leakyRelu),
  wasmKernelConfig('Mean', mean),
  wasmKernelConfig('Slice', slice),
  wasmKernelConfig('SplitV', splitV),
  wasmKernelConfig('Sum', sum),
  wasmKernelConfig('Tanh', tanh),
  wasmKernelConfig('Exp', nativeUnary('Exp', 'exp_f32')),
  wasmKernelConfig('Log', nativeUnary('Log', 'log_f32')),
  wasmKernelConfig('Softplus', nativeUnary('Softplus', 'softplus_f32')),
  wasmKernelConfig('Sign', nativeUnary('Sign', 'sign_f32')),
  wasmKernelConfig('Maximum', nativeBinary('Maximum', 'maximum_f32', 'float32')),
  wasmKernelConfig('Minimum', nativeBinary('Minimum', 'minimum_f32', 'float32')),
  wasmKernelConfig('Greater', nativeBinary('Greater', 'greater_f32', 'bool')),
  wasmKernelConfig('Less', nativeBinary('Less', 'less_f32', 'bool')),
  wasmKernelConfig('Select', select),
  wasmKernelConfig('Tile', tile),
  wasmKernelConfig('UnsortedSegmentSum', unsortedSegmentSum),
];

let installed = false;

/**
 * Options of {@link registerWasmKernels}.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmKernels, type WasmKitOptions } from 'tfjs-generative/wasm';
 * const options: WasmKitOptions = { threads: 2 };
 * registerWasmKernels(options);
 * await tf.setBackend('wasm');
 * console.log(tf.getBackend()); // wasm
 * ```
 *
 * @category WASM
 */
export interface WasmKitOptions {
  /**
   * Threads for the backend's matrix products and convolutions (XNNPACK's
   * pool, the calling thread included), 1 to 8; 1 selects the single-threaded
   * SIMD build. Takes effect only when given before the wasm backend starts
   * (`tf.setBackend('wasm')`, or the first op on it). Defaults to the core count:
   * `os.availableParallelism()` in Node, `navigator.hardwareConcurrency` in
   * browsers (where threads also need a cross-origin-isolated page; elsewhere the
   * backend quietly runs single-threaded).
   */
  threads?: number;
  /**
   * The `@tensorflow/tfjs-backend-wasm` module, or just its `version_wasm`, for
   * the version check where the kit cannot read the package's `package.json`
   * (browsers, bundled programs): `wasm: await import('@tensorflow/tfjs-backend-wasm')`.
   * In Node the kit finds the loaded package by itself. Defaults to none.
   */
  wasm?: {
    /** The package's version, as its module exports it. */
    version_wasm: string;
  };
}

/**
 * Registers the library's kernels for TensorFlow.js's wasm backend, so that
 * convolutional models (DCGAN, convolutional VAEs, …) train on it, and starts
 * the backend's threaded build, in Node too.
 *
 * TensorFlow.js 4.22's wasm backend has no `Conv2DBackpropFilter` kernel, so a
 * convolution's weights cannot be trained there, and its `Conv2DBackpropInput`
 * is a scalar loop. This registers both, run as the backend's own XNNPACK
 * convolutions where that is faster (the input gradient split by stride phase
 * into stride-1 convolutions; the filter gradient as one convolution dilated by
 * the stride, batch and channels swapped), else as im2col/col2im around one
 * XNNPACK matrix product; and a block-copying `Tile`
 * (batch norm's gradient tiles every step; the backend's own computes an index
 * per element). It also replaces `BatchMatMul`, whose stock kernel uses
 * XNNPACK only for untransposed products of batch 1 and a scalar loop for the
 * rest (every matmul gradient, every attention product): transposes go to the
 * backend's Transpose kernel and batches are folded or sliced into batch-1
 * products (a small character transformer's training step, with the
 * `LayerNorm` of `tfjs-generative/layers`, runs several times faster;
 * `npm run bench -- --only attention` measures it), and `Sum` over
 * leading axes (bias and batch-norm gradients), which the stock kernel runs
 * after a full transposed copy, and a `Slice` that copies only the slice
 * (the stock one reads the whole input out of the heap first), and `SplitV`
 * on that `Slice`; an `Identity` that shares the data (the stock one copies);
 * `Tanh` as `2σ(2x) − 1` on the backend's XNNPACK sigmoid (the stock one calls
 * the C library per element; absolute error below 3e-7);
 * `LeakyRelu` as the backend's XNNPACK `Prelu`; `Mean` over leading axes like `Sum`. And it adds `UnsortedSegmentSum` (tfjs#8082),
 * the gradient of `gather`, so that `tf.layers.embedding` trains on wasm. Results match the cpu
 * backend (to float tolerance for the convolutions and matmuls, exactly for
 * Tile; tested on strides 1–3, `same`/`valid`/explicit padding, odd sizes,
 * every transpose combination and broadcast batches).
 *
 * Some kernels run the kit's own SIMD module, computing in place on the
 * backend's heap (relaxed-SIMD fused multiply-add where the engine has it,
 * else plain SIMD128): a blocked matrix product for `BatchMatMul` and
 * `_FusedMatMul` (transposes and batches taken directly, bias and
 * relu/relu6/leaky-relu fused; on a threaded backend the plain untransposed
 * product stays with XNNPACK's threads), and vectorised `Exp`, `Log`,
 * `Softplus`, `Sign`, `Maximum`, `Minimum`, `Greater`, `Less`, `Select` and
 * small-tensor `Tanh`, within 3 ulp of the cpu backend with the same NaN, ±Inf
 * and ±0 results. Where that module cannot run, the paths above are used.
 *
 * Threads: the backend ships a threaded SIMD build but, in 4.22, never starts it
 * in Node (tfjs#3830), and sizes its pool to half the logical cores. Called
 * before the backend starts, this makes it start that build with
 * `options.threads` threads (default: the core count, at most 8) in Node, and in
 * browser pages that are cross-origin isolated (elsewhere a browser quietly
 * gets the single-threaded build). Its worker threads never keep a Node
 * process alive. Called after the backend started, it registers the kernels
 * only (and warns if `threads` was given).
 *
 * Call it once, after importing `@tensorflow/tfjs-backend-wasm` and before
 * `tf.setBackend('wasm')`. It does not select a backend: that stays your
 * choice. It is idempotent (a later call before the backend starts may change
 * `threads`), and a no-op (returning `false`, with a warning) when the wasm
 * backend is not loaded, or tfjs-core or tfjs-backend-wasm is not the tested
 * 4.22.
 *
 * @param options - Thread count, and the backend module for its version check where the kit cannot find it.
 * @returns Whether the kernels are registered.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmKernels } from 'tfjs-generative/wasm';
 * registerWasmKernels(); // threads: the core count
 * await tf.setBackend('wasm');
 * console.log(tf.getBackend()); // wasm
 * ```
 *
 * @category WASM
 */
export function registerWasmKernels(options: WasmKitOptions = {}): boolean {
  const problem =
    wasmKitProblem(tf.version_core, tf.findBackendFactory('wasm') !== null && tf.getKernel('BatchMatMul', 'wasm') !== undefined) ??
    wasmVersionProblem(options.wasm?.version_wasm ?? findWasmPackage()?.version ?? null);
  if (problem !== null) {
    console.warn(problem);
    return false;
  }
  const threads = options.threads === undefined ? defaultThreads() : clampThreads(options.threads);
  if (!wasmBackendStarted()) {
    requestThreads(threads, options.threads !== undefined);
  } else if (options.threads !== undefined && (wasmThreadsCount() ?? 1) !== threads) {
    console.warn(
      `tfjs-generative/wasm: registerWasmKernels: threads must be chosen before the wasm backend starts (call registerWasmKernels before tf.setBackend('wasm')); it runs with ${wasmThreadsCount() ?? 1} thread(s). The kernels are registered.`,
    );
  }
  if (installed) return true;
  for (const config of KERNELS) {
    const own = tf.getKernel(config.kernelName, 'wasm');
    keepOriginalKernel(config.kernelName);
    if (own !== undefined) tf.unregisterKernel(config.kernelName, 'wasm');
    // A replaced kernel that calls the original keeps its setup (which binds the wasm
    // function when the backend starts).
    tf.registerKernel(own?.setupFunc === undefined ? config : { ...config, setupFunc: own.setupFunc });
  }
  installed = true;
  return true;
}
