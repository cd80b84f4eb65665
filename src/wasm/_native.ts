// Our own SIMD kernels (native/kernels/*.c, built by scripts/buildNative.mjs),
// instantiated on tfjs-backend-wasm's own WebAssembly.Memory so that they
// compute in place on tensors' heap offsets, with no copies.
//
// Where the memory is: the backend's Emscripten module is `backend.wasm`; its
// single-threaded build exports the memory (`wasm.asm.memory`), its threaded
// build creates a shared one and keeps it as `wasm.wasmMemory`. Our module
// imports it (a shared and an unshared build, since an import must match) and
// uses no stack and no static data (checked by test/wasmNative.test.ts), so it
// never writes outside the pointers it is given. Scratch space (the GEMM's
// packed panels) comes from the backend's own `malloc`, once per backend.
//
// Variant: relaxed SIMD (fused multiply-add) where the engine validates it
// (Node ≥ 22, Chrome ≥ 114), else plain SIMD128.
import { WASM_KERNELS } from '../_internal/native/kernels.js';

/** The exports of native/kernels. Pointers are byte offsets into the backend's heap. @hidden */
export interface NativeExports {
  gemm_scratch_floats(): number;
  gemm(a: number, b: number, c: number, m: number, n: number, k: number, transA: number, transB: number, bias: number, act: number, alpha: number, scratch: number): void;
  fma_peak(iters: number, x: number): number;
  exp_f32: UnaryExport;
  log_f32: UnaryExport;
  tanh_f32: UnaryExport;
  softplus_f32: UnaryExport;
  sign_f32: UnaryExport;
  maximum_f32: BinaryExport;
  minimum_f32: BinaryExport;
  greater_f32: BinaryExport;
  less_f32: BinaryExport;
  select_32(cond: number, a: number, b: number, out: number, n: number): void;
  select_8(cond: number, a: number, b: number, out: number, n: number): void;
}

/** `out[i] = f(x[i])`, `i < n`. @hidden */
export type UnaryExport = (x: number, out: number, n: number) => void;
/**
 * `outer` rows of `inner` results; row `o` of an operand starts at `ptr + o·step` elements
 * and, with `splat`, is one value broadcast along the row.
 * @hidden
 */
export type BinaryExport = (a: number, aStep: number, aSplat: number, b: number, bStep: number, bSplat: number, out: number, outer: number, inner: number) => void;

/** Our kernels bound to one backend instance. @hidden */
export interface NativeKernels {
  readonly exports: NativeExports;
  /** Whether the fused multiply-add (relaxed SIMD) build is running. */
  readonly relaxed: boolean;
  /** Byte offset of the GEMM's scratch area on the backend's heap. */
  readonly gemmScratch: number;
}

interface EmscriptenModuleLike {
  asm?: { memory?: unknown };
  wasmMemory?: unknown;
  _malloc?: (bytes: number) => number;
}

/** A module whose only instruction is `f32x4.relaxed_madd`: valid only where relaxed SIMD is on. */
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 19, 1, 17, 0, 65, 0, 253, 17, 65, 0, 253, 17, 65, 0, 253, 17, 253, 133, 2, 11,
]);

let relaxedCache: boolean | undefined;

/**
 * Whether this engine runs relaxed SIMD (`f32x4.relaxed_madd`).
 * @hidden
 */
export function relaxedSimdSupported(): boolean {
  relaxedCache ??= WebAssembly.validate(RELAXED_PROBE);
  return relaxedCache;
}

const bound = new WeakMap<object, NativeKernels | null>();
let disabled = false;

/**
 * Turns our own kernels off (`true`) or back on, so that benchmarks and tests
 * can compare against the kit's other paths in one process.
 * @hidden
 */
export function setNativeKernelsDisabled(off: boolean): void {
  disabled = off;
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Our kernels on `backend`'s heap, instantiated on first use; `null` where they
 * cannot run (no reachable memory, no SIMD, a compile refused), and then the
 * caller keeps its other path.
 * @hidden
 */
export function nativeKernels(backend: unknown): NativeKernels | null {
  if (disabled) return null;
  const wasm = (backend as { wasm?: EmscriptenModuleLike }).wasm;
  if (wasm === undefined || wasm === null) return null;
  const known = bound.get(wasm);
  if (known !== undefined) return known;
  let result: NativeKernels | null = null;
  try {
    const memory = wasm.asm?.memory ?? wasm.wasmMemory;
    if (memory instanceof WebAssembly.Memory && typeof wasm._malloc === 'function') {
      const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
      const relaxed = relaxedSimdSupported();
      const variant = `${relaxed ? 'relaxed' : 'simd'}-${shared ? 'shared' : 'unshared'}`;
      const source = WASM_KERNELS[variant];
      if (source !== undefined) {
        const module = new WebAssembly.Module(decode(source));
        const instance = new WebAssembly.Instance(module, { env: { memory } });
        const exports = instance.exports as unknown as NativeExports;
        const gemmScratch = wasm._malloc(exports.gemm_scratch_floats() * 4);
        if (gemmScratch !== 0) result = { exports, relaxed, gemmScratch };
      }
    }
  } catch {
    // A browser may refuse a synchronous compile on its main thread: keep the other paths.
    result = null;
  }
  bound.set(wasm, result);
  return result;
}
