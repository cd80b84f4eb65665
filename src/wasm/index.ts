export { registerWasmKernels } from './registerWasmKernels.js';
