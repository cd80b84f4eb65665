// LeakyRelu for the wasm backend. Its own kernel is a scalar loop over the
// elements; the backend's Prelu runs XNNPACK's vectorised kernel, and leaky relu
// is prelu with every channel's slope α. Every DCGAN discriminator layer runs it.
import type * as tf from '@tensorflow/tfjs-core';
import { runWasm, wasmKernel, type KernelArgs, type WasmBackendLike } from './_wasmBackend.js';

/** Per backend, the slope vectors made so far (a few: one per α and channel count), kept so that XNNPACK reuses its operator. */
const slopes = new WeakMap<object, Map<string, tf.TensorInfo>>();

/**
 * `x > 0 ? x : α·x`.
 * @hidden
 */
export function leakyRelu(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { alpha } = args.attrs as unknown as { alpha: number };
  const channels = x.shape.length === 0 ? 1 : x.shape[x.shape.length - 1]!;
  if (x.dtype !== 'float32' || channels === 0 || !Number.isFinite(alpha)) return wasmKernel('LeakyRelu')(args);
  return runWasm('Prelu', backend, { x, alpha: slopeVector(backend, alpha, channels) });
}

function slopeVector(backend: WasmBackendLike, alpha: number, channels: number): tf.TensorInfo {
  let made = slopes.get(backend);
  if (made === undefined) slopes.set(backend, (made = new Map()));
  const key = `${alpha}:${channels}`;
  let slope = made.get(key);
  if (slope === undefined) {
    slope = backend.makeOutput([channels], 'float32');
    (backend.typedArrayFromHeap(slope) as Float32Array).fill(alpha);
    made.set(key, slope);
  }
  return slope;
}
