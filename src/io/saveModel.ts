// Saving a tfjs-layers model anywhere tfjs can write, with one call: Node's
// file system (without tfjs-node), a browser's storage, or any IOHandler.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { invalidField } from '../_internal/errors.js';
import { modelHandler } from './_modelLocation.js';

/**
 * Saves a model to a folder (Node), a browser's storage, or any
 * `tf.io.IOHandler`, with one call in every environment.
 *
 * | `destination` | where | needs |
 * | --- | --- | --- |
 * | `'out/generator'`, `'/abs/path'` | that folder: `model.json` + one `weights.<hash>.bin`, written atomically (see {@link fileSystemHandler}) | Node ≥ 20.16 (`process.getBuiltinModule`) |
 * | `'file:///abs/path'` | the same folder, as a URL | Node ≥ 20.16 |
 * | `'indexeddb://name'` | the browser's IndexedDB | a browser page or worker |
 * | `'localstorage://name'` | the browser's localStorage | a browser page |
 * | `'downloads://name'` | a download of `name.json` + `name.weights.bin` | a browser page |
 * | `'http(s)://…'` | a POST of the files, as `tf.io.http` sends them | `fetch` |
 * | a `tf.io.IOHandler` | whatever its `save` does (e.g. `tf.io.withSaveHandler`) | – |
 *
 * Weights are stored as their float32 bytes, so a round trip through
 * {@link loadModel} is bit-exact.
 *
 * Saves to one folder never collide: they run one at a time in call order (the
 * last one called wins, with a complete model), also across processes through
 * a lock file, and each removes the temporary files an interrupted save left.
 *
 * @param model - Any `tf.LayersModel` (e.g. a generator from {@link "tfjs-generative/gan"!buildDCGAN | buildDCGAN}).
 * @param destination - A folder path, a URL from the table, or a `tf.io.IOHandler`.
 *   A folder is created if missing.
 * @returns What tfjs reports of the save (sizes, date).
 * @throws {@link ValueError} when `model` is not a model, or `destination` is
 *   something this environment cannot save to (a folder path in a browser,
 *   `indexeddb://` in Node, a scheme no tf.io router serves); the message names
 *   the scheme. For a folder, also when it cannot be created (`/proc/x`, a path
 *   under a file), or when another process has held its lock for over 60 s.
 *
 * @example
 * ```ts
 * import { buildDCGAN, saveModel } from 'tfjs-generative';
 * const { generator } = buildDCGAN({ imageSize: 28, channels: 1 });
 * const result = await saveModel(generator, 'out/generator'); // in a browser: 'indexeddb://generator'
 * console.log(result.modelArtifactsInfo.weightDataBytes);
 * ```
 *
 * @category IO
 */
export async function saveModel(model: tfl.LayersModel, destination: string | tf.io.IOHandler): Promise<tf.io.SaveResult> {
  if (model === null || typeof model !== 'object' || typeof (model as { save?: unknown }).save !== 'function') {
    throw invalidField('saveModel', 'model', 'a tf.LayersModel', model);
  }
  return model.save(modelHandler('saveModel', 'destination', destination, 'save'));
}
