// Weight quantization for saved models, in tfjs's own weights-manifest format
// (the one tfjs-converter writes and tfjs-core's `decodeWeights` reads), so that
// stock `tf.loadLayersModel` loads what `saveModel(…, { quantize })` writes.
//
// - 'int8' is stored as tfjs's `uint8` affine per-tensor scheme: the manifest
//   entry gets `quantization: { dtype: 'uint8', scale, min }` and each value
//   `v` is stored as q = clamp(round((v − min) / scale), 0, 255), read back as
//   q · scale + min. scale = (max − min) / 255 over the tensor, and min is
//   nudged onto the grid of multiples of scale (as tfjs-converter does), so
//   that 0 is exact when it lies in the range. The nudge moves min by at most
//   scale / 2 and the clamp then costs at most scale / 2, so every value is
//   read back within scale / 2 (plus the float32 rounding of q · scale + min).
//   tfjs's manifest has no symmetric or per-channel int8 scheme: this is the
//   closest format `tf.loadLayersModel` reads.
// - 'float16' is stored as IEEE half precision, rounded to nearest even:
//   `quantization: { dtype: 'float16' }`; values are read back within half a
//   unit in the last place (relative 2^-11, absolute 2^-25 below 2^-14).
//
// Which weights: float32 weights of rank ≥ 2 (kernels, embeddings, convolution
// filters), the ones that hold nearly all the bytes. Vectors and scalars
// (biases, normalization scales and offsets), int32 and other dtypes stay
// float32 bit for bit, as does a weight holding a non-finite value (for
// 'float16', also one with a magnitude above 65504, float16's largest).
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../_internal/errors.js';

/** What `saveModel`'s `quantize` option accepts. @hidden */
export const QUANTIZE_MODES = ['int8', 'float16'] as const;

/** A `saveModel` quantization. @hidden */
export type QuantizeMode = (typeof QUANTIZE_MODES)[number];

/** float16's largest finite value. */
const FLOAT16_MAX = 65504;

/** Steps of tfjs's uint8 scheme. */
const UINT8_MAX = 255;

/** Whether a weight is stored quantized: float32, rank ≥ 2, all finite (and within float16's range for 'float16'). */
function quantizable(spec: tf.io.WeightsManifestEntry, values: Float32Array, mode: QuantizeMode): boolean {
  if (spec.dtype !== 'float32' || spec.quantization !== undefined || spec.shape.length < 2) return false;
  const limit = mode === 'float16' ? FLOAT16_MAX : Infinity;
  for (const v of values) {
    if (!(Math.abs(v) <= limit)) return false; // NaN fails too
  }
  return true;
}

/**
 * One float32 value's IEEE half-precision bits, rounded to nearest even
 * (normal and subnormal ranges; the caller keeps values above 65504 out).
 * @hidden
 */
export function float16Bits(bits32: number): number {
  const sign = (bits32 >>> 16) & 0x8000;
  const exponent = ((bits32 >>> 23) & 0xff) - 127 + 15;
  let mantissa = bits32 & 0x7fffff;
  if (exponent >= 0x1f) return sign | 0x7c00;
  if (exponent <= 0) {
    // Subnormal half: h · 2^-24 with h = (1.mantissa) · 2^(exponent − 1 + 10), i.e. the 24-bit significand shifted right by 14 − exponent.
    if (exponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - exponent;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && (half & 1) === 1)) half += 1;
    return sign | half;
  }
  let half = (exponent << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  // A carry out of the mantissa moves into the exponent, which is the correctly rounded result.
  if (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1)) half += 1;
  return sign | half;
}

/** The tensor's values as float16 bytes. */
function toFloat16(values: Float32Array): Uint8Array {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = float16Bits(bits[i]!);
  return new Uint8Array(out.buffer);
}

/** The tensor's values in tfjs's uint8 affine scheme, with its scale and (nudged) min. */
function toUint8(values: Float32Array): { bytes: Uint8Array; scale: number; min: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const bytes = new Uint8Array(values.length);
  // A constant tensor: every value is min exactly (q = 0); the scale only has to be nonzero.
  if (!(hi > lo)) return { bytes, scale: 1, min: values.length === 0 ? 0 : lo };
  const scale = (hi - lo) / UINT8_MAX;
  const min = Math.round(lo / scale) * scale;
  for (let i = 0; i < values.length; i++) {
    bytes[i] = Math.min(UINT8_MAX, Math.max(0, Math.round((values[i]! - min) / scale)));
  }
  return { bytes, scale, min };
}

/** Bytes per stored element of the unquantized dtypes a layers model saves. */
const DTYPE_BYTES: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

/**
 * The artifacts with their weights quantized (see the file's header for
 * which): new specs carrying tfjs's `quantization` field, and the weight bytes
 * re-encoded in manifest order. The given artifacts are not changed.
 * @hidden
 */
export function quantizeArtifacts(artifacts: tf.io.ModelArtifacts, mode: QuantizeMode): tf.io.ModelArtifacts {
  const specs = artifacts.weightSpecs;
  if (specs === undefined || artifacts.weightData === undefined) return artifacts;
  const data = Array.isArray(artifacts.weightData) ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : (artifacts.weightData as ArrayBuffer);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const quantizedSpecs = specs.map((spec): tf.io.WeightsManifestEntry => {
    const size = spec.shape.reduce((n, d) => n * d, 1);
    const stored = spec.quantization !== undefined ? undefined : DTYPE_BYTES[spec.dtype];
    if (stored === undefined) {
      // A dtype this model saver never writes (model.save encodes float32, int32 and bool): nothing can be re-encoded safely.
      throw new ValueError(`saveModel: cannot quantize the weight ${JSON.stringify(spec.name)} stored as ${spec.quantization?.dtype ?? spec.dtype}.`);
    }
    const length = size * stored;
    const raw = new Uint8Array(data, offset, length);
    offset += length;
    const values = spec.dtype === 'float32' ? new Float32Array(raw.slice().buffer) : undefined;
    if (values === undefined || !quantizable(spec, values, mode)) {
      chunks.push(raw);
      return spec;
    }
    if (mode === 'float16') {
      chunks.push(toFloat16(values));
      return { ...spec, quantization: { dtype: 'float16' } };
    }
    const { bytes, scale, min } = toUint8(values);
    chunks.push(bytes);
    return { ...spec, quantization: { dtype: 'uint8', scale, min } };
  });
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return { ...artifacts, weightSpecs: quantizedSpecs, weightData: out.buffer };
}
