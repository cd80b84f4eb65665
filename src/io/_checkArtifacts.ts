// What any IOHandler hands `loadModel` is checked before tfjs-layers sees it:
// a JSON topology, well-formed weight specs, and weight bytes that match the
// specs exactly. tfjs-layers would otherwise fail with a TypeError or a
// RangeError after it had made some of the weights (and kept them).
import type * as tf from '@tensorflow/tfjs-core';
import { describeValue } from '../_internal/errors.js';
import { ValueError } from '../errors.js';

const VALUE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };
const QUANTIZED_BYTES: Readonly<Record<string, number>> = { uint8: 1, uint16: 2, float16: 2 };

/** Bytes the weights of `specs` take, as tfjs reads them; throws naming the first malformed spec. */
function specBytes(fn: string, specs: readonly unknown[]): number {
  let total = 0;
  specs.forEach((spec, i) => {
    const where = `weight spec ${i}`;
    if (spec === null || typeof spec !== 'object') throw new ValueError(`${fn}: ${where} must be an object, received ${describeValue(spec)}.`);
    const { name, shape, dtype, quantization } = spec as Partial<tf.io.WeightsManifestEntry>;
    if (typeof name !== 'string') throw new ValueError(`${fn}: ${where} has no string \`name\` (received ${describeValue(name)}).`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new ValueError(`${fn}: weight \`${name}\` has shape ${describeValue(shape)}; expected a list of non-negative integers.`);
    }
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    if (!Number.isSafeInteger(size) || size > 2 ** 31 - 1) throw new ValueError(`${fn}: weight \`${name}\` has shape [${shape.join(', ')}], over 2^31−1 elements.`);
    let bytes: number | undefined;
    if (quantization !== undefined) {
      bytes = QUANTIZED_BYTES[(quantization as { dtype?: unknown } | null)?.dtype as string];
      if (bytes === undefined || dtype !== 'float32' && dtype !== 'int32') {
        throw new ValueError(`${fn}: weight \`${name}\` has quantization ${describeValue(quantization)} for dtype ${describeValue(dtype)}; expected uint8, uint16 or float16 of a float32 or int32 weight.`);
      }
    } else {
      bytes = VALUE_BYTES[dtype as string];
      if (bytes === undefined) throw new ValueError(`${fn}: weight \`${name}\` has dtype ${describeValue(dtype)}; expected float32, int32 or bool.`);
    }
    total += size * bytes;
  });
  return total;
}

/**
 * Throws a ValueError unless `artifacts` is a layers model whose weight bytes
 * match its weight specs exactly; returns it unchanged.
 * @hidden
 */
export function checkModelArtifacts(fn: string, artifacts: tf.io.ModelArtifacts): tf.io.ModelArtifacts {
  if (artifacts === null || typeof artifacts !== 'object') throw new ValueError(`${fn}: the source returned ${describeValue(artifacts)} instead of model artifacts.`);
  const { modelTopology, weightSpecs, weightData } = artifacts;
  if (modelTopology === null || typeof modelTopology !== 'object' || modelTopology instanceof ArrayBuffer || Array.isArray(modelTopology)) {
    throw new ValueError(`${fn}: the model has no layers topology (\`modelTopology\` is ${describeValue(modelTopology)}; a layers model's model.json has a JSON object there).`);
  }
  if (weightSpecs === undefined && weightData === undefined) return artifacts; // a topology alone: tfjs-layers builds fresh weights
  if (!Array.isArray(weightSpecs)) throw new ValueError(`${fn}: \`weightSpecs\` must be a list, received ${describeValue(weightSpecs)}.`);
  const expected = specBytes(fn, weightSpecs);
  const buffers = weightData === undefined ? [] : Array.isArray(weightData) ? weightData : [weightData];
  if (!buffers.every((b) => b instanceof ArrayBuffer)) throw new ValueError(`${fn}: \`weightData\` must be an ArrayBuffer or a list of them.`);
  const actual = buffers.reduce((sum, b) => sum + b.byteLength, 0);
  if (actual !== expected) {
    throw new ValueError(`${fn}: the weights hold ${actual} bytes, but their specs describe ${expected}: the weights are truncated or do not belong to this model.`);
  }
  return artifacts;
}
