/**
 * Backend choice for the examples: the consumer's job, never the library's.
 * `wasm` (the examples' default) goes through the library's wasm kit
 * (tfjs-generative/wasm), before the backend starts: its kernels, without which
 * TensorFlow.js 4.22 cannot train convolutions on wasm, and its threaded build,
 * with one thread per core (set `TFJS_WASM_THREADS=1` to compare with one).
 */
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels } from 'tfjs-generative/wasm';
import type { ChoiceOption } from './_cli.js';

/** The `--backend` option every example takes. */
export const backendOption = {
  kind: 'choice',
  choices: ['cpu', 'wasm'],
  default: 'wasm',
  help: "TensorFlow.js backend: wasm (with the library's kernels) or cpu (plain JavaScript: convolution gradients are very slow)",
} as const satisfies ChoiceOption;

/** The usage note on the wasm backend's threads. */
export const backendNote =
  'Environment: TFJS_WASM_THREADS=N sets the wasm backend\'s threads (default: one per core; 1 to compare with a single thread).';

export async function setupBackend(name: string | undefined): Promise<string> {
  if (name !== 'cpu' && name !== 'wasm') {
    throw new Error(`--backend: expected 'cpu' or 'wasm', received ${JSON.stringify(name)}`);
  }
  if (name === 'wasm') {
    const threads = Number(process.env['TFJS_WASM_THREADS']);
    registerWasmKernels(Number.isInteger(threads) && threads > 0 ? { threads } : {});
  }
  if (!(await tf.setBackend(name))) throw new Error(`the ${name} backend failed to start`);
  await tf.ready();
  return tf.getBackend();
}
