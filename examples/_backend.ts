/**
 * Backend choice for the examples: the consumer's job, never the library's.
 * `wasm` also registers the library's wasm kernels (tfjs-generative/wasm),
 * without which TensorFlow.js 4.22 cannot train convolutions on wasm.
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels } from 'tfjs-generative/wasm';

export async function setupBackend(name: string | undefined): Promise<string> {
  if (name !== 'cpu' && name !== 'wasm') {
    throw new Error(`--backend: expected 'cpu' or 'wasm', received ${JSON.stringify(name)}`);
  }
  if (name === 'wasm') registerWasmKernels();
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend failed to start`);
  await tf.ready();
  return tf.getBackend();
}
