// Whether registerWasmKernels can install the kit here: the tfjs-core version it
// was tested with, and a loaded wasm backend.

const TESTED_CORE = /^4\.22\./;

/**
 * Why the kit cannot be installed (the warning to print), or `null` when it can:
 * tfjs-core must be the tested 4.22.x and the wasm backend must be loaded.
 * @hidden
 */
export function wasmKitProblem(versionCore: string, wasmLoaded: boolean): string | null {
  if (!TESTED_CORE.test(versionCore)) {
    return `tfjs-generative/wasm: registerWasmKernels: expected @tensorflow/tfjs-core 4.22.x, found ${versionCore}; the wasm backend is left as it is.`;
  }
  if (!wasmLoaded) {
    return "tfjs-generative/wasm: registerWasmKernels: the wasm backend is not loaded; import '@tensorflow/tfjs-backend-wasm' first. Nothing was registered.";
  }
  return null;
}
