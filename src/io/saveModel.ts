// Saving a tfjs-layers model anywhere tfjs can write, with one call: Node's
// file system (without tfjs-node), a browser's storage, or any IOHandler.
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { invalidField } from '../_internal/errors.js';
import { checkOneOf } from '../_internal/validate.js';
import { modelHandler } from './_modelLocation.js';
import { QUANTIZE_MODES, type QuantizeMode, quantizeArtifacts } from './_quantize.js';

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
 * {@link loadModel} is bit-exact. With `options.quantize` they are stored in
 * tfjs's own quantized weights manifest (the format tfjs-converter writes), which
 * {@link loadModel} and stock `tf.loadLayersModel` both read and dequantize to
 * float32:
 *
 * | `quantize` | stored as | manifest entry | error per value | weights |
 * | --- | --- | --- | --- | --- |
 * | (none) | float32 | – | 0 | 1× |
 * | `'float16'` | IEEE half precision, rounded to nearest even | `quantization: { dtype: 'float16' }` | ≤ half a unit in the last place (relative 2⁻¹¹) | ≈ ½ |
 * | `'int8'` | 8 bits per value, affine per tensor: `q · scale + min`, `scale = (max − min) / 255`, `min` nudged so 0 is exact | `quantization: { dtype: 'uint8', scale, min }` | ≤ `scale / 2` | ≈ ¼ |
 *
 * `'int8'` is tfjs's `uint8` scheme: tfjs's manifest has no symmetric or
 * per-output-channel int8 format, and this is the closest one that
 * `tf.loadLayersModel` reads. Only float32 weights of rank ≥ 2 (kernels,
 * embeddings, convolution filters) are quantized; vectors and scalars (biases,
 * normalization scales and offsets), int32 weights and any weight holding a
 * non-finite value (for `'float16'`, also one above 65504 in magnitude) stay
 * float32 bit for bit. Measured quality: `docs/quantization.md`.
 *
 * Saves to one folder never collide: they run one at a time in call order (the
 * last one called wins, with a complete model), also across processes through
 * a lock file, and each removes the temporary files an interrupted save left.
 *
 * @param model - Any `tf.LayersModel` (e.g. a generator from {@link "tfjs-generative/gan"!buildDCGAN | buildDCGAN}).
 * @param destination - A folder path, a URL from the table, or a `tf.io.IOHandler`.
 *   A folder is created if missing.
 * @param options - `quantize`: `'int8'` or `'float16'` to store the weights
 *   quantized (see above). Defaults to none (float32).
 * @returns What tfjs reports of the save (sizes, date; `weightDataBytes` counts the stored, quantized bytes).
 * @throws {@link ValueError} when `model` is not a model, `options.quantize` is
 *   not `'int8'` or `'float16'` (checked before anything is written), or `destination` is
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
 * // About a quarter of the bytes, loadable by tf.loadLayersModel too:
 * const small = await saveModel(generator, 'out/generator-int8', { quantize: 'int8' });
 * console.log(small.modelArtifactsInfo.weightDataBytes);
 * ```
 *
 * @category IO
 */
export async function saveModel(
  model: tfl.LayersModel,
  destination: string | tf.io.IOHandler,
  options: { quantize?: 'int8' | 'float16' } = {},
): Promise<tf.io.SaveResult> {
  if (model === null || typeof model !== 'object' || typeof (model as { save?: unknown }).save !== 'function') {
    throw invalidField('saveModel', 'model', 'a tf.LayersModel', model);
  }
  const quantize = checkSaveOptions(options);
  const handler = modelHandler('saveModel', 'destination', destination, 'save');
  if (quantize === undefined) return model.save(handler);
  const save = handler.save!.bind(handler);
  return model.save({ save: async (artifacts) => save(quantizeArtifacts(artifacts, quantize)) });
}

/** `saveModel`'s options, checked: the quantization, if any. */
function checkSaveOptions(options: unknown): QuantizeMode | undefined {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidField('saveModel', 'options', 'an object such as { quantize: \'int8\' }', options);
  }
  const unknown = Object.keys(options).filter((key) => key !== 'quantize');
  if (unknown.length > 0) {
    throw invalidField('saveModel', 'options', `an object with only \`quantize\` (unknown key ${JSON.stringify(unknown[0])})`, options);
  }
  const { quantize } = options as { quantize?: unknown };
  return quantize === undefined ? undefined : checkOneOf('saveModel', 'options.quantize', quantize, QUANTIZE_MODES);
}
