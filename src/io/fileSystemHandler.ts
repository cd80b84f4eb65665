// A tf.io handler for Node's file system, so models save and load without
// @tensorflow/tfjs-node. Node's modules are reached through
// process.getBuiltinModule (see _nodeModules.ts), so this file imports nothing a
// browser bundle would have to resolve. Format: the standard `model.json` + one weights file,
// as tfjs-converter and tf.io.http read it.
//
// Crash safety: every file is written to a temporary name in the same folder,
// flushed and renamed into place (a rename is atomic on POSIX file systems). The
// weights file name carries a hash of its content and is renamed first; then
// model.json, the switch from the old model to the new one. Only after that are
// weights files no longer referenced removed. A crash at any point leaves the old
// complete model or the new complete model, never a mix.
//
// Saves to one folder run one at a time (_saveFolder.ts: a queue in this
// process, a lock file across processes), since two interleaved saves would each
// remove the other's weights file; each save first removes the temporary files
// an interrupted one left. Loads trust nothing in model.json (_modelFiles.ts):
// every weights path must stay inside the folder, be a regular file listed once,
// and the sizes must match the manifest before a byte is read.
import * as tf from '@tensorflow/tfjs-core';
import { invalidField, ValueError } from '../_internal/errors.js';
import { readModelJSON, readWeightsManifest } from './_modelFiles.js';
import { type NodeFileModules, requireNodeFileModules } from './_nodeModules.js';
import { withFolderLock } from './_saveFolder.js';

const MODEL_JSON = 'model.json';
const WEIGHTS_PATTERN = /^weights\.[0-9a-f]{16}\.bin$/;

async function writeAtomically(m: NodeFileModules, dir: string, name: string, bytes: Uint8Array | string): Promise<void> {
  const target = m.path.join(dir, name);
  const temp = m.path.join(dir, `.${name}.tmp-${m.crypto.randomBytes(8).toString('hex')}`);
  const handle = await m.fs.open(temp, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await m.fs.rename(temp, target);
  } catch (error) {
    await m.fs.rm(temp, { force: true });
    throw error;
  }
}

function flatWeightData(data: tf.io.WeightData): ArrayBuffer {
  return Array.isArray(data) ? tf.io.CompositeArrayBuffer.join(data) : (data as ArrayBuffer);
}

/**
 * A `tf.io.IOHandler` that saves to and loads from a folder of Node's file
 * system, without `@tensorflow/tfjs-node`.
 *
 * The folder holds `model.json` (the standard format: topology and weights
 * manifest) and one `weights.<hash>.bin`. Writes are atomic: files go to
 * temporary names, are flushed and renamed, `model.json` last, so a crash
 * never leaves a half-written model. Saves to one folder are serialized, in
 * this process and across processes (a lock file `.tfjs-generative.lock` holding
 * the pid; one left by a killed process is taken over), and each removes the
 * temporary files an interrupted save left there.
 *
 * A load reads nothing outside the folder: every path in the weights manifest
 * must be relative, without `..`, backslashes or NUL bytes, and any symbolic
 * link on the way must stay inside the folder; each must be a regular file
 * (not a FIFO, device or folder) listed once; and the files' sizes must match
 * the manifest before any byte is read. `model.json` itself may have at most
 * 64 MiB. tfjs-converter's quantized weights (`uint8`, `uint16`, `float16`)
 * load as `tf.loadLayersModel` reads them.
 *
 * {@link saveModel} and {@link loadModel} use it; pass it yourself to
 * `model.save()` or `tf.loadLayersModel()`.
 *
 * It needs Node ≥ 20.16 (or another runtime with `process.getBuiltinModule`):
 * Node's modules are reached through that function, so importing this package
 * never pulls them into a browser bundle. Elsewhere `save` and `load` reject with a
 * {@link ValueError}.
 *
 * @param dir - Folder of the model; created (with parents) on save.
 * @returns An IOHandler with `save` and `load`.
 * @throws {@link ValueError} when `dir` is not a non-empty string.
 *
 * @example
 * ```ts
 * import * as tfl from '@tensorflow/tfjs-layers';
 * import { fileSystemHandler } from 'tfjs-generative';
 * const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
 * const result = await model.save(fileSystemHandler('/tmp/my-model'));
 * console.log(result.modelArtifactsInfo.weightDataBytes); // 12
 * ```
 *
 * @category IO
 */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  if (typeof dir !== 'string' || dir.length === 0) {
    throw invalidField('fileSystemHandler', 'dir', 'a non-empty path string', dir);
  }
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new ValueError('saveModel: binary model topologies are not supported; save a tfjs-layers model.');
      }
      const m = requireNodeFileModules('saveModel', `the folder path ${JSON.stringify(dir)}`);
      const weights = new Uint8Array(artifacts.weightData === undefined ? new ArrayBuffer(0) : flatWeightData(artifacts.weightData));
      const hash = m.crypto.createHash('sha256').update(weights).digest('hex').slice(0, 16);
      const weightsName = `weights.${hash}.bin`;
      const modelJSON: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        weightsManifest: [{ paths: [`./${weightsName}`], weights: artifacts.weightSpecs ?? [] }],
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers`,
        convertedBy: artifacts.convertedBy ?? null,
      };
      if (artifacts.trainingConfig !== undefined) modelJSON.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata !== undefined) modelJSON.userDefinedMetadata = artifacts.userDefinedMetadata;
      if (artifacts.signature !== undefined) modelJSON.signature = artifacts.signature;
      if (artifacts.modelInitializer !== undefined) modelJSON.modelInitializer = artifacts.modelInitializer;

      // One save at a time per folder (see _saveFolder.ts): interleaved, two saves would remove each other's weights.
      await withFolderLock(m, 'saveModel', dir, async () => {
        await writeAtomically(m, dir, weightsName, weights);
        await writeAtomically(m, dir, MODEL_JSON, JSON.stringify(modelJSON));
        for (const name of await m.fs.readdir(dir)) {
          if (WEIGHTS_PATTERN.test(name) && name !== weightsName) await m.fs.rm(m.path.join(dir, name), { force: true });
        }
      });
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(artifacts.weightSpecs ?? []).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const m = requireNodeFileModules('loadModel', `the folder path ${JSON.stringify(dir)}`);
      // model.json and every weights path stay inside the folder, and sizes are checked before reading (see _modelFiles.ts).
      const { root, text } = await readModelJSON(m, 'loadModel', dir);
      const jsonPath = m.path.join(dir, MODEL_JSON);
      let modelJSON: tf.io.ModelJSON;
      try {
        modelJSON = JSON.parse(text) as tf.io.ModelJSON;
      } catch (error) {
        throw new ValueError(`loadModel: ${jsonPath} is not valid JSON: ${String(error)}.`);
      }
      if (modelJSON === null || typeof modelJSON !== 'object' || !Array.isArray(modelJSON.weightsManifest)) {
        throw new ValueError(`loadModel: ${jsonPath} is not a TensorFlow.js model.json (no weightsManifest).`);
      }
      return tf.io.getModelArtifactsForJSON(modelJSON, async (manifest) => {
        const { specs, data } = await readWeightsManifest(m, 'loadModel', root, manifest);
        // Quantized weights go to tfjs as stored: tfjs-core's decodeWeights dequantizes them.
        return [specs as tf.io.WeightsManifestEntry[], data];
      });
    },
  };
}

