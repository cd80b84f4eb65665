// Saving a tfjs-layers model to Node's file system without tfjs-node.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { invalidField } from '../_internal/errors.js';
import { fileSystemHandler } from './fileSystemHandler.js';

/**
 * Saves a model to a folder of Node's file system, atomically: a crash during
 * the save leaves the previous model intact (see {@link fileSystemHandler}).
 * Weights are stored as float32 bytes, so a save/load round trip is bit-exact.
 *
 * @param model - Any `tf.LayersModel` (e.g. a generator from {@link buildDCGAN}).
 * @param dir - Target folder; created if missing. Holds `model.json` and one weights file.
 * @returns What tfjs reports of the save (sizes, date).
 *
 * @example
 * ```ts
 * import { buildDCGAN, saveModel } from 'tfjs-generative';
 * const { generator } = buildDCGAN({ imageSize: 28, channels: 1 });
 * const result = await saveModel(generator, 'out/generator');
 * console.log(result.modelArtifactsInfo.weightDataBytes);
 * ```
 *
 * @category IO
 */
export async function saveModel(model: tfl.LayersModel, dir: string): Promise<tf.io.SaveResult> {
  if (model === null || typeof model !== 'object' || typeof (model as { save?: unknown }).save !== 'function') {
    throw invalidField('saveModel', 'model', 'a tf.LayersModel', model);
  }
  return model.save(fileSystemHandler(dir));
}
