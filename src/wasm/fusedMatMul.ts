// _FusedMatMul for the wasm backend (tf.fused.matMul; tfjs-layers' dense layers
// call it with their bias and a relu/linear activation): on our GEMM with the
// bias and activation applied in its epilogue, while the tile is in registers.
// Other activations (sigmoid, elu, prelu), biases that are not one value per
// output column, and every case our kernels cannot run go to the backend's own
// kernel.
//
// Legend: M×K left operand, K×N right operand.
import * as tf from '@tensorflow/tfjs-core';
import { ACTIVATION_CODES, matMulGeometry, nativeMatMul, preferXnnpack } from './_gemm.js';
import { wasmKernel, type KernelArgs, type WasmBackendLike } from './_wasmBackend.js';

/**
 * `act(op(a) · op(b) + bias)`.
 * @hidden
 */
export function fusedMatMul(args: KernelArgs): tf.TensorInfo {
  const backend = args.backend as WasmBackendLike;
  const { a, b, bias, preluActivationWeights } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo; bias?: tf.TensorInfo; preluActivationWeights?: tf.TensorInfo };
  const { transposeA, transposeB, activation, leakyreluAlpha } = args.attrs as unknown as {
    transposeA: boolean;
    transposeB: boolean;
    activation?: string;
    leakyreluAlpha?: number;
  };
  const original = () => wasmKernel('_FusedMatMul')(args);
  const code = ACTIVATION_CODES[activation ?? 'linear'];
  if (code === undefined || preluActivationWeights !== undefined || a.dtype !== 'float32' || b.dtype !== 'float32') return original();
  const geometry = matMulGeometry(a.shape, b.shape, transposeA, transposeB);
  if (geometry === null || preferXnnpack(geometry, transposeA, transposeB)) return original();
  // A bias of one value per output column ([N], [1, N], …); anything else broadcasts otherwise.
  if (bias !== undefined && (bias.dtype !== 'float32' || bias.shape[bias.shape.length - 1] !== geometry.n || tf.util.sizeFromShape(bias.shape) !== geometry.n)) {
    return original();
  }
  const out = nativeMatMul(backend, a, b, transposeA, transposeB, geometry, { bias: bias ?? null, activation: code, alpha: leakyreluAlpha ?? 0.2 });
  return out ?? original();
}
