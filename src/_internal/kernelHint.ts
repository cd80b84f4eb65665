/**
 * The hint added to tfjs's bare "Kernel 'X' not registered for backend 'wasm'"
 * error: training on the stock wasm backend needs the kernels that
 * `registerWasmKernels()` (from `tfjs-generative/wasm`) fills in.
 */
import * as tf from '@tensorflow/tfjs-core';

/** tfjs-core's message for a kernel missing on a backend (engine.ts, `runKernel`). */
const MISSING_WASM_KERNEL = /Kernel '[^']+' not registered for backend 'wasm'/;

/**
 * Returns `error` with a pointer to the fix when it is tfjs's missing-kernel
 * error on the wasm backend: a new `Error` whose message is the original one
 * followed by the hint, with the original as its `cause`. Any other error (or
 * the same message on another backend) is returned unchanged, the same object.
 *
 * @param error - What a training loop or sampler caught.
 * @returns The error to rethrow.
 * @hidden
 */
export function withKernelHint(error: unknown): unknown {
  if (!(error instanceof Error) || !MISSING_WASM_KERNEL.test(error.message) || tf.getBackend() !== 'wasm') return error;
  const hinted = new Error(
    `${error.message}. The stock wasm backend lacks kernels that training and sampling use: ` +
      "call registerWasmKernels() from 'tfjs-generative/wasm' once, before training on wasm.",
    { cause: error },
  );
  hinted.name = error.name;
  return hinted;
}

/**
 * Runs `body` and rethrows what it throws through {@link withKernelHint}.
 * @hidden
 */
export async function hintingKernels<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    throw withKernelHint(error);
  }
}
