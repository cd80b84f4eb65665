// Tanh for the wasm backend. Its own kernel calls the C library's tanh element
// by element (a WaveNet layer's gate runs it on every activation), while its
// Sigmoid runs XNNPACK's vectorised kernel. So tanh x = 2 σ(2x) − 1, on the
// backend's Multiply, Sigmoid and Sub, three vectorised passes.
// The identity costs some relative accuracy near 0 (an absolute error of at most
// a few 1e-7, against 6e-8 for float32 itself); the result saturates to ±1
// exactly, like the original. Small tensors, where three kernel calls cost more
// than they save, run our own vectorised tanh (native/kernels/elementwise.c,
// within 1 ulp of Math.tanh) in place of the C library's scalar loop; on large
// ones it measured no faster than the three XNNPACK passes, which stay.
import * as tf from '@tensorflow/tfjs-core';
import { nativeUnary } from './_elementwise.js';
import { runWasm, scalarInfo, wasmKernel, type KernelArgs, type WasmBackendLike } from './_wasmBackend.js';

const nativeTanh = /* @__PURE__ */ nativeUnary('Tanh', 'tanh_f32');

/** Below this many elements, the backend's own kernel. */
const SMALL = 1024;

/**
 * `tanh(x)`, as `2 σ(2x) − 1`.
 * @hidden
 */
export function tanh(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype !== 'float32') return wasmKernel('Tanh')(args);
  // Small tensors (generation's single steps): one kernel call; there the overhead
  // of three outweighs the per-element saving.
  if (tf.util.sizeFromShape(x.shape) < SMALL) return nativeTanh(args);
  const two = scalarInfo(backend, 2);
  const one = scalarInfo(backend, 1);
  const doubled = runWasm('Multiply', backend, { a: x, b: two });
  const sigmoid = runWasm('Sigmoid', backend, { x: doubled });
  backend.disposeData(doubled.dataId);
  const scaled = runWasm('Multiply', backend, { a: sigmoid, b: two });
  backend.disposeData(sigmoid.dataId);
  const out = runWasm('Sub', backend, { a: scaled, b: one });
  for (const t of [scaled, two, one]) backend.disposeData(t.dataId);
  return out;
}
