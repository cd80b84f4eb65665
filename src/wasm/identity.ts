// Identity for the wasm backend. Its own kernel copies the whole tensor; the
// tensors of TensorFlow.js are immutable, so the cpu backend (and the wasm
// backend's own Reshape) share the data and count references instead. Gradients
// pass through Identity on every step (tf.clone, the gradients of adds and of
// custom ops): a WaveNet step at 4 × 4,096 made 1,003 such copies, 0.9 s.
import type * as tf from '@tensorflow/tfjs-core';
import { wasmKernel, type KernelArgs, type WasmBackendLike } from './_wasmBackend.js';

/**
 * `x`, sharing its data.
 * @hidden
 */
export function identity(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype === 'string' || backend.incRef === undefined) return wasmKernel('Identity')(args);
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
