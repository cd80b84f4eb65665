export { registerWasmKernels, type WasmKitOptions } from './registerWasmKernels.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
