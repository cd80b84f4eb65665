// Element-wise kernels on our own SIMD module (native/kernels/elementwise.c), in
// place on the wasm heap: Exp, Log, Softplus, Tanh, Sign on float32;
// Maximum, Minimum, Greater, Less with the broadcasts that are one operand
// repeated along leading or trailing dims (scalars, biases, per-row values);
// Select on equal shapes. Everything else (other dtypes, other broadcasts, or
// where our module cannot run) goes to the backend's own kernel.
import * as tf from '@tensorflow/tfjs-core';
import { nativeKernels, type BinaryExport, type NativeExports, type UnaryExport } from './_native.js';
import { heapOffset, wasmKernel, type KernelArgs, type KernelFn, type WasmBackendLike } from './_wasmBackend.js';

type UnaryName = 'exp_f32' | 'log_f32' | 'tanh_f32' | 'softplus_f32' | 'sign_f32';
type BinaryName = 'maximum_f32' | 'minimum_f32' | 'greater_f32' | 'less_f32';

/**
 * A unary float32 kernel on our module's `exportName`, else `fallback` (the
 * backend's own kernel `kernelName` by default).
 * @hidden
 */
export function nativeUnary(kernelName: string, exportName: UnaryName, fallback?: KernelFn): KernelFn {
  return (args: KernelArgs) => {
    const backend = args.backend as WasmBackendLike;
    const { x } = args.inputs as { x: tf.TensorInfo };
    const native = x.dtype === 'float32' ? nativeKernels(backend) : null;
    if (native === null) return (fallback ?? wasmKernel(kernelName))(args);
    const out = backend.makeOutput([...x.shape], 'float32');
    const n = tf.util.sizeFromShape(x.shape);
    if (n > 0) (native.exports[exportName] as UnaryExport)(heapOffset(backend, x), heapOffset(backend, out), n);
    return out;
  };
}

/** How one operand of a broadcast binary op is read, row by row. */
interface OperandPlan {
  /** Elements between the starts of consecutive rows. */
  step: number;
  /** Whether a row is one value broadcast along it. */
  splat: boolean;
}

/** `outer` rows of `inner` outputs, and how each operand is read. @hidden */
export interface BroadcastPlan {
  outShape: number[];
  outer: number;
  inner: number;
  a: OperandPlan;
  b: OperandPlan;
}

/**
 * The split of the broadcast output shape into `outer × inner` where each
 * operand is either whole, repeated along the leading dims (a suffix shape,
 * such as a bias), or one value per row (a prefix shape, such as a scalar or
 * per-row values); `null` for other broadcasts.
 * @hidden
 */
export function broadcastPlan(aShape: readonly number[], bShape: readonly number[]): BroadcastPlan | null {
  let outShape: number[];
  try {
    outShape = tf.broadcast_util.assertAndGetBroadcastShape([...aShape], [...bShape]);
  } catch {
    return null;
  }
  const rank = outShape.length;
  const pad = (s: readonly number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const pa = pad(aShape);
  const pb = pad(bShape);
  const size = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);
  for (let split = 0; split <= rank; split++) {
    const outer = size(outShape.slice(0, split));
    const inner = size(outShape.slice(split));
    const plan = (dims: number[]): OperandPlan | null => {
      const lead = dims.slice(0, split);
      const trail = dims.slice(split);
      const leadWhole = lead.every((d, i) => d === outShape[i]);
      const trailWhole = trail.every((d, i) => d === outShape[split + i]);
      if (leadWhole && trailWhole) return { step: inner, splat: false };
      if (lead.every((d) => d === 1) && trailWhole) return { step: 0, splat: false };
      if (leadWhole && trail.every((d) => d === 1)) return { step: 1, splat: true };
      return null;
    };
    const a = plan(pa);
    const b = plan(pb);
    if (a !== null && b !== null) return { outShape, outer, inner, a, b };
  }
  return null;
}

/**
 * A float32 binary kernel on our module's `exportName` (Greater, Less: bool
 * output), else the backend's own kernel `kernelName`.
 * @hidden
 */
export function nativeBinary(kernelName: string, exportName: BinaryName, outDtype: 'float32' | 'bool'): KernelFn {
  return (args: KernelArgs) => {
    const backend = args.backend as WasmBackendLike;
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const native = a.dtype === 'float32' && b.dtype === 'float32' ? nativeKernels(backend) : null;
    const plan = native === null ? null : broadcastPlan(a.shape, b.shape);
    if (native === null || plan === null) return wasmKernel(kernelName)(args);
    const out = backend.makeOutput(plan.outShape, outDtype);
    if (plan.outer * plan.inner > 0) {
      const f = native.exports[exportName] as BinaryExport;
      f(heapOffset(backend, a), plan.a.step, plan.a.splat ? 1 : 0, heapOffset(backend, b), plan.b.step, plan.b.splat ? 1 : 0, heapOffset(backend, out), plan.outer, plan.inner);
    }
    return out;
  };
}

/**
 * Select (`tf.where`) on our module where the condition and both branches have
 * one shape and the branches are float32, int32 or bool (the backend's own
 * kernel writes past its output on bool branches and corrupts the heap); else
 * the backend's own kernel.
 * @hidden
 */
export function select(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { condition, t, e } = args.inputs as { condition: tf.TensorInfo; t: tf.TensorInfo; e: tf.TensorInfo };
  const same = tf.util.arraysEqual(condition.shape, t.shape) && tf.util.arraysEqual(t.shape, e.shape);
  const width = t.dtype === 'float32' || t.dtype === 'int32' ? 4 : t.dtype === 'bool' ? 1 : 0;
  const native: { exports: NativeExports } | null = same && condition.dtype === 'bool' && t.dtype === e.dtype && width > 0 ? nativeKernels(backend) : null;
  if (native === null) return wasmKernel('Select')(args);
  const out = backend.makeOutput([...t.shape], t.dtype);
  const n = tf.util.sizeFromShape(t.shape);
  if (n > 0) (width === 4 ? native.exports.select_32 : native.exports.select_8)(heapOffset(backend, condition), heapOffset(backend, t), heapOffset(backend, e), heapOffset(backend, out), n);
  return out;
}
