/**
 * Saving, loading and pictures: `saveModel` / `loadModel` (atomic, bit-exact,
 * without tfjs-node), `fileSystemHandler`, `registerLayers` (makes the
 * library's layer classes loadable by `tf.loadLayersModel`), tensors in the
 * safetensors format (`readSafetensors`, `writeSafetensors`,
 * `openSafetensors`), `imageGrid` and `encodePNG`.
 *
 * ```ts
 * import { encodePNG, imageGrid, loadModel, saveModel } from 'tfjs-generative/io';
 * ```
 *
 * Everything here is also exported from `tfjs-generative`.
 *
 * @module tfjs-generative/io
 */
export { encodePNG } from './encodePNG.js';
export { fileSystemHandler } from './fileSystemHandler.js';
export { imageGrid, type ImageGridOptions } from './imageGrid.js';
export { loadModel } from './loadModel.js';
export { registerLayers, type SerializableLayerClass } from './registerLayers.js';
export { saveModel } from './saveModel.js';
export type { RGBAImage } from './types.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
export { openSafetensors, type SafetensorsFile } from './openSafetensors.js';
export { readSafetensors, type ReadSafetensorsOptions, type SafetensorsContents } from './readSafetensors.js';
export { writeSafetensors } from './writeSafetensors.js';
export type { SafetensorsDType, SafetensorsEntry } from './_safetensorsFormat.js';
export { importWeights, type ImportWeightsOptions, type WeightLayout } from './importWeights.js';
export { exportWeights, type ExportWeightsOptions } from './exportWeights.js';
