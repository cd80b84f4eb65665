// Loading a tfjs-layers model from Node's file system without tfjs-node.
import * as tfl from '@tensorflow/tfjs-layers';
import { fileSystemHandler } from './fileSystemHandler.js';
import { registerLayers } from './registerLayers.js';

/**
 * Loads a model saved by {@link saveModel} (or any `model.json` with its
 * weights files) from a folder of Node's file system. It registers the
 * library's custom layers first, so models using them load.
 *
 * @param dir - Folder holding `model.json`.
 * @param options - Passed to `tf.loadLayersModel` (for example `{ strict: false }`).
 * @returns The model, with the saved weights.
 * @throws {@link ValueError} when the folder, `model.json` or a weights file is
 *   missing, or the weights' size does not match the manifest.
 *
 * @example
 * ```ts
 * import { loadModel, sampleGAN } from 'tfjs-generative';
 * const generator = await loadModel('out/dcgan-mnist-generator');
 * console.log(sampleGAN(generator, 4).shape); // [4, 28, 28, 1]
 * ```
 *
 * @category IO
 */
export async function loadModel(dir: string, options: { strict?: boolean } = {}): Promise<tfl.LayersModel> {
  registerLayers();
  return tfl.loadLayersModel(fileSystemHandler(dir), options);
}
