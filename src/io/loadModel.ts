// Loading a tfjs-layers model from anywhere tfjs can read, with one call, the
// library's custom layers registered first.
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { invalidField, ValueError } from '../_internal/errors.js';
import { checkModelArtifacts } from './_checkArtifacts.js';
import { modelHandler } from './_modelLocation.js';
import { disposeRepeatedLayersWithModel } from '../_internal/models.js';
import { registerLayers } from './registerLayers.js';

/**
 * Loads a model saved by {@link saveModel} (or any tfjs `model.json` with its
 * weights) from a folder (Node), a browser's storage, a web server, or any
 * `tf.io.IOHandler`. It registers the library's custom layers first
 * ({@link registerLayers}), so models using them load. Weights quantized by
 * tfjs-converter (`uint8`, `uint16`, `float16`) are dequantized as
 * `tf.loadLayersModel` does it.
 *
 * | `source` | reads | needs |
 * | --- | --- | --- |
 * | `'out/generator'`, `'out/generator/model.json'` | that folder's `model.json` and weights | Node ≥ 20.16 (`process.getBuiltinModule`) |
 * | `'file:///abs/path'` (folder or its `model.json`) | the same, as a URL | Node ≥ 20.16 |
 * | `'indexeddb://name'` | the browser's IndexedDB | a browser page or worker |
 * | `'localstorage://name'` | the browser's localStorage | a browser page |
 * | `'http(s)://…/model.json'` | the files from a web server (weights paths relative to `model.json`) | `fetch` |
 * | a `tf.io.IOHandler` | whatever its `load` returns (e.g. `tf.io.fromMemory`, `tf.io.browserFiles`) | – |
 *
 * @param source - A folder path, a URL from the table, or a `tf.io.IOHandler`.
 * @param options - `tf.io.LoadOptions`: `strict` (defaults to `true`), and for
 *   `http(s)://` `requestInit`, `fetchFunc`, `onProgress`, `weightPathPrefix`.
 * @returns The model, with the saved weights (bit-exact float32).
 * @throws {@link ValueError} when `options` is not an object, when `source` is something this environment
 *   cannot load from (a folder path in a browser, `indexeddb://` in Node, a
 *   scheme no tf.io router serves; the message names the scheme), or when the
 *   folder, `model.json` or a weights file is missing, or the weights' size does
 *   not match the manifest. For a folder, also when a weights path in
 *   `model.json` leads outside the folder (`..`, an absolute path, a symbolic
 *   link pointing out; the message says nothing about the outside file), is not
 *   a regular file (a FIFO, a device, a folder), is listed twice, or when
 *   `model.json` exceeds 64 MiB: all checked before any weight byte is read.
 *   From any source, when the topology is not a layers model's JSON, a weight
 *   spec is malformed (name, shape, dtype, quantization), or the weight bytes
 *   do not match the specs: checked before any weight is made.
 *
 * @example
 * ```ts
 * import { loadModel, sampleGAN } from 'tfjs-generative';
 * const generator = await loadModel('out/dcgan-mnist-generator'); // in a browser: 'indexeddb://generator'
 * console.log(sampleGAN(generator, 4).shape); // [4, 28, 28, 1]
 * ```
 *
 * @category IO
 */
export async function loadModel(source: string | tf.io.IOHandler, options: tf.io.LoadOptions = {}): Promise<tfl.LayersModel> {
  if (options === null || typeof options !== 'object') {
    throw invalidField('loadModel', 'options', 'an object (tf.io.LoadOptions)', options);
  }
  const handler = modelHandler('loadModel', 'source', source, 'load', options);
  registerLayers();
  const load = handler.load?.bind(handler);
  if (load === undefined) throw invalidField('loadModel', 'source', 'an IOHandler with a load function', source);
  // Whatever the source returns is checked before tfjs-layers makes any weight from it.
  let loaded = false;
  const checked: tf.io.IOHandler = {
    load: async () => {
      const artifacts = checkModelArtifacts('loadModel', await load());
      loaded = true;
      return artifacts;
    },
  };
  let model: tfl.LayersModel;
  try {
    model = await tfl.loadLayersModel(checked, options);
  } catch (error) {
    // Ours (the source's checks) pass as they are; tfjs-layers' own failures to
    // build the topology (a TypeError, a plain Error, its own ValueError class) get one class and the function's name.
    // Errors of the source itself (a missing file, an HTTP status) pass unchanged.
    if (!loaded || error instanceof ValueError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const wrapped = new ValueError(`loadModel: the model could not be built from its topology: ${message}`);
    Object.defineProperty(wrapped, 'cause', { value: error, configurable: true, writable: true });
    throw wrapped;
  }
  // A loaded language model with a tied embedding applies that layer twice.
  return disposeRepeatedLayersWithModel(model);
}
