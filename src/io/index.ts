export { encodePNG } from './encodePNG.js';
export { fileSystemHandler } from './fileSystemHandler.js';
export { imageGrid, type ImageGridOptions } from './imageGrid.js';
export { loadModel } from './loadModel.js';
export { registerLayers, type SerializableLayerClass } from './registerLayers.js';
export { saveModel } from './saveModel.js';
export type { RGBAImage } from './types.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
