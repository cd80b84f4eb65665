/**
 * The small part of tfjs-backend-wasm's backend object the kernels use, typed
 * here so that src/ needs no run-time import of the backend package (the
 * consumer chooses and loads it).
 */
import * as tf from '@tensorflow/tfjs-core';

/** @hidden */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.backend_util.TypedArray;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  /** Counts one more tensor on `dataId` (the backend's Reshape shares data so). */
  incRef?(dataId: tf.DataId): void;
  /** Where each tensor's data lives on the heap (a byte offset). */
  dataIdMap?: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
}

/**
 * The heap byte offset of `t`'s data on the wasm backend.
 * @hidden
 */
export function heapOffset(backend: WasmBackendLike, t: tf.TensorInfo): number {
  const data = backend.dataIdMap?.get(t.dataId);
  if (data === undefined) throw new Error('tfjs-generative/wasm: a tensor has no data on the wasm heap.');
  return data.memoryOffset;
}

/**
 * What tfjs passes a kernel: its input tensors, the backend, the op's attributes.
 * @hidden
 */
export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: unknown;
  attrs: tf.NamedAttrMap;
}

/** A kernel as the kit writes and calls them. @hidden */
export type KernelFn = (args: KernelArgs) => tf.TensorInfo;

/**
 * The registry entry of one of the kit's kernels for the wasm backend. The one
 * cast: tfjs's `KernelFunc` types `backend` as `{}` and `attrs` as optional,
 * which every kernel here reads.
 * @hidden
 */
export function wasmKernelConfig(kernelName: string, kernelFunc: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[]): tf.KernelConfig {
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}

/** The backend's own kernels that the kit replaces, kept so the replacements can call them. */
const originals = new Map<string, KernelFn>();

/**
 * Remembers the backend's own kernel `name` before the kit replaces it.
 * @hidden
 */
export function keepOriginalKernel(name: string): void {
  if (originals.has(name)) return;
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel !== undefined) originals.set(name, kernel.kernelFunc as unknown as KernelFn);
}

/**
 * The wasm backend's own kernel `name` (the original, where the kit replaced it).
 * @hidden
 */
export function wasmKernel(name: string): KernelFn {
  const original = originals.get(name);
  if (original !== undefined) return original;
  const kernel = tf.getKernel(name, 'wasm');
  if (kernel === undefined) throw new Error(`tfjs-generative/wasm: the wasm backend has no ${name} kernel.`);
  return kernel.kernelFunc as unknown as KernelFn;
}

/**
 * `a [M, K] · b [K, N] → [M, N]` on the wasm backend's BatchMatMul, shaped as a
 * batch of one with no transposes: the only form it sends to XNNPACK.
 * @hidden
 */
export function matMul(backend: WasmBackendLike, a: tf.TensorInfo, b: tf.TensorInfo, m: number, k: number, n: number): tf.TensorInfo {
  return wasmKernel('BatchMatMul')({
    inputs: { a: { ...a, shape: [1, m, k] }, b: { ...b, shape: [1, k, n] } },
    backend,
    attrs: { transposeA: false, transposeB: false },
  });
}

/**
 * A float32 scalar on the wasm heap, for the backend's broadcasting kernels; the
 * caller disposes it.
 * @hidden
 */
export function scalarInfo(backend: WasmBackendLike, value: number): tf.TensorInfo {
  const out = backend.makeOutput([], 'float32');
  (backend.typedArrayFromHeap(out) as Float32Array)[0] = value;
  return out;
}

/**
 * Runs the wasm backend's own kernel `name`, for kernels composed of others.
 * @hidden
 */
export function runWasm(name: string, backend: WasmBackendLike, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
  return wasmKernel(name)({ inputs, backend, attrs });
}

/**
 * `x` viewed as `[rows, cols]`, transposed to `[cols, rows]` on the wasm backend's
 * own Transpose kernel; the caller disposes the result.
 * @hidden
 */
export function transpose2D(backend: WasmBackendLike, x: tf.TensorInfo, rows: number, cols: number): tf.TensorInfo {
  return runWasm('Transpose', backend, { x: { ...x, shape: [rows, cols] } }, { perm: [1, 0] });
}
