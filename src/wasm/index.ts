export { registerWasmKernels, type WasmKitOptions } from './registerWasmKernels.js';
