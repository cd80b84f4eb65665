/**
 * The safetensors format (https://huggingface.co/docs/safetensors): an 8-byte
 * little-endian header length N, N bytes of JSON (`{ name: { dtype, shape,
 * data_offsets: [begin, end] }, "__metadata__"?: { string: string } }`, offsets
 * relative to the byte after the header), then the data, little-endian.
 *
 * Everything here validates before anything is allocated for the tensors: the
 * header length against the file, the JSON, every entry's dtype and shape, the
 * offsets (inside the data, no overlap, no gap, the data fully covered), and
 * that shape × dtype size equals the byte length.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ValueError } from '../_internal/errors.js';

/**
 * A safetensors dtype that this library reads: `F32`, `F16` and `BF16` (and
 * `F64`) become float32 tensors; `I32`, `I16`, `I8`, `U16`, `U8` and `I64`
 * (when every value fits) become int32; `BOOL` becomes bool.
 *
 * @category IO
 */
export type SafetensorsDType = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U16' | 'U8' | 'BOOL';

/** The safetensors dtypes this library reads, and how. @hidden */
export const SAFETENSORS_DTYPES: Readonly<Record<SafetensorsDType, { bytes: number; into: 'float32' | 'int32' | 'bool' }>> = {
  F64: { bytes: 8, into: 'float32' },
  F32: { bytes: 4, into: 'float32' },
  F16: { bytes: 2, into: 'float32' },
  BF16: { bytes: 2, into: 'float32' },
  I64: { bytes: 8, into: 'int32' },
  I32: { bytes: 4, into: 'int32' },
  I16: { bytes: 2, into: 'int32' },
  I8: { bytes: 1, into: 'int32' },
  U16: { bytes: 2, into: 'int32' },
  U8: { bytes: 1, into: 'int32' },
  BOOL: { bytes: 1, into: 'bool' },
};

/** The default limit on the JSON header's size, as the reference implementation sets it. @hidden */
export const DEFAULT_MAX_HEADER_BYTES = 100_000_000;

/**
 * One tensor of a safetensors file, as its header describes it.
 *
 * @category IO
 */
export interface SafetensorsEntry {
  /** The tensor's name in the file. */
  readonly name: string;
  /** Its dtype in the file. */
  readonly dtype: SafetensorsDType;
  /** Its shape. */
  readonly shape: readonly number[];
  /** Offset of its first byte from the start of the file. */
  readonly byteOffset: number;
  /** Its size in the file, in bytes. */
  readonly byteLength: number;
}

/** A parsed and validated header. @hidden */
export interface SafetensorsHeader {
  readonly metadata: Record<string, string>;
  readonly entries: readonly SafetensorsEntry[];
  /** Where the data starts: 8 + the header length. */
  readonly dataStart: number;
}

function fail(fn: string, message: string): ValueError {
  return new ValueError(`${fn}: ${message}`);
}

/**
 * Reads the header length from the first 8 bytes and checks it against the
 * file size and the header-size limit. Returns N.
 * @hidden
 */
export function headerLength(fn: string, prefix: Uint8Array, fileBytes: number, maxHeaderBytes: number): number {
  if (fileBytes < 8 || prefix.length < 8) {
    throw fail(fn, `not a safetensors file: it has ${fileBytes} bytes, fewer than the 8-byte header length.`);
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const n = high * 2 ** 32 + low;
  if (n > maxHeaderBytes) {
    throw fail(fn, `the header is ${n} bytes, over the limit of ${maxHeaderBytes} (raise \`maxHeaderBytes\` if the file is trusted).`);
  }
  if (n < 2) throw fail(fn, `not a safetensors file: the header length is ${n} bytes.`);
  if (8 + n > fileBytes) {
    throw fail(fn, `the header length says ${n} bytes but the file has only ${fileBytes - 8} after the length: the file is truncated or not safetensors.`);
  }
  return n;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Parses and validates the JSON header (`json` is its N bytes), for a file of
 * `fileBytes` bytes.
 * @hidden
 */
export function parseHeader(fn: string, json: Uint8Array, fileBytes: number): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw fail(fn, 'the header is not valid UTF-8.');
  }
  if (!text.startsWith('{')) throw fail(fn, 'the header is not a JSON object (it must start with `{`).');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw fail(fn, `the header is not well-formed JSON (${(error as Error).message}).`);
  }
  if (!isPlainObject(parsed)) throw fail(fn, 'the header is not a JSON object.');

  const dataStart = 8 + json.length;
  const dataBytes = fileBytes - dataStart;
  const metadata: Record<string, string> = {};
  const entries: SafetensorsEntry[] = [];
  const ranges: { name: string; begin: number; end: number }[] = [];

  for (const [name, info] of Object.entries(parsed)) {
    if (name === '__metadata__') {
      if (!isPlainObject(info)) throw fail(fn, '`__metadata__` must be an object of strings.');
      for (const [key, value] of Object.entries(info)) {
        if (typeof value !== 'string') throw fail(fn, `\`__metadata__\` value of ${JSON.stringify(key)} must be a string, received ${JSON.stringify(value)}.`);
        metadata[key] = value;
      }
      continue;
    }
    const who = `tensor ${JSON.stringify(name)}`;
    if (!isPlainObject(info)) throw fail(fn, `${who}: its header entry is not an object.`);
    const dtype = info['dtype'];
    if (typeof dtype !== 'string' || !Object.hasOwn(SAFETENSORS_DTYPES, dtype)) {
      throw fail(fn, `${who}: unsupported dtype ${JSON.stringify(dtype)}; supported: ${Object.keys(SAFETENSORS_DTYPES).join(', ')}.`);
    }
    const spec = SAFETENSORS_DTYPES[dtype as SafetensorsDType];
    const shape = info['shape'];
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) >= 0)) {
      throw fail(fn, `${who}: invalid shape ${JSON.stringify(shape)}: expected an array of non-negative integers.`);
    }
    let count = 1;
    for (const d of shape as number[]) {
      count *= d;
      if (!Number.isSafeInteger(count)) throw fail(fn, `${who}: shape ${JSON.stringify(shape)} has more elements than can be counted.`);
    }
    const offsets = info['data_offsets'];
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0)) {
      throw fail(fn, `${who}: invalid data_offsets ${JSON.stringify(offsets)}: expected [begin, end], non-negative integers.`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataBytes) {
      throw fail(fn, `${who}: data_offsets [${begin}, ${end}] lie outside the ${dataBytes} bytes of data.`);
    }
    if (count * spec.bytes !== end - begin) {
      throw fail(fn, `${who}: shape ${JSON.stringify(shape)} of ${dtype} needs ${count * spec.bytes} bytes, but data_offsets [${begin}, ${end}] give ${end - begin}.`);
    }
    entries.push({ name, dtype: dtype as SafetensorsDType, shape: shape as number[], byteOffset: dataStart + begin, byteLength: end - begin });
    ranges.push({ name, begin, end });
  }

  // The data must be covered exactly: sorted by offset, each range starts where
  // the previous one ended (empty tensors may sit anywhere on that line).
  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous = '';
  for (const r of ranges) {
    if (r.begin < cursor) throw fail(fn, `tensors ${JSON.stringify(previous)} and ${JSON.stringify(r.name)} overlap in the data.`);
    if (r.begin > cursor) throw fail(fn, `the data has a gap of ${r.begin - cursor} bytes before tensor ${JSON.stringify(r.name)}.`);
    cursor = r.end;
    previous = r.name;
  }
  if (cursor !== dataBytes) {
    throw fail(fn, `the data has ${dataBytes - cursor} bytes after the last tensor that no tensor uses.`);
  }
  return { metadata, entries, dataStart };
}

/** Whether typed arrays are little-endian here, as safetensors' data is. @hidden */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** float16 bits to float32, exactly (every float16 is a float32). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** A copy into a fresh buffer (`Buffer#slice` would share memory, so never rely on `slice`). */
function copyOf(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}

/**
 * `[buffer, byteOffset, length]` of 4-byte elements over `bytes`: a view when
 * the bytes are ours and aligned, else over a fresh copy.
 */
function alignedBytes(bytes: Uint8Array, owned: boolean): [ArrayBuffer, number, number] {
  const source = owned && bytes.byteOffset % 4 === 0 && bytes.buffer instanceof ArrayBuffer ? bytes : copyOf(bytes);
  return [source.buffer as ArrayBuffer, source.byteOffset, source.length / 4];
}

/**
 * Decodes one tensor's bytes (exactly its `byteLength`) into the typed array
 * tfjs takes for its dtype. `owned`: the bytes are a fresh buffer nobody else
 * holds, so F32, I32 and BOOL data may be used in place instead of copied. Throws naming the tensor when an I64 or U8 value
 * does not fit, or a BOOL byte is neither 0 nor 1.
 * @hidden
 */
export function decodeEntry(fn: string, entry: SafetensorsEntry, bytes: Uint8Array, owned: boolean): Float32Array | Int32Array | Uint8Array {
  const count = entry.byteLength / SAFETENSORS_DTYPES[entry.dtype].bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const who = `tensor ${JSON.stringify(entry.name)}`;
  switch (entry.dtype) {
    case 'F32':
      // Bytes reinterpreted, not converted: every bit is kept (NaN payloads included).
      if (LITTLE_ENDIAN) return new Float32Array(...alignedBytes(bytes, owned));
      return Float32Array.from({ length: count }, (_, i) => view.getFloat32(4 * i, true));
    case 'I32':
      if (LITTLE_ENDIAN) return new Int32Array(...alignedBytes(bytes, owned));
      return Int32Array.from({ length: count }, (_, i) => view.getInt32(4 * i, true));
    case 'F64': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    }
    case 'BF16': {
      // bfloat16 is the upper half of a float32.
      const bits = new Uint32Array(count);
      for (let i = 0; i < count; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return new Float32Array(bits.buffer);
    }
    case 'I64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const low = view.getUint32(8 * i, true);
        const high = view.getInt32(8 * i + 4, true);
        // Fits in int32 exactly when the high word is the sign extension of the low one.
        if (high !== (low & 0x80000000 ? -1 : 0)) {
          throw fail(fn, `${who}: I64 value ${String(view.getBigInt64(8 * i, true))} at index ${i} does not fit in int32.`);
        }
        out[i] = low | 0;
      }
      return out;
    }
    case 'I16':
      return Int32Array.from({ length: count }, (_, i) => view.getInt16(2 * i, true));
    case 'U16':
      return Int32Array.from({ length: count }, (_, i) => view.getUint16(2 * i, true));
    case 'I8':
      return Int32Array.from({ length: count }, (_, i) => view.getInt8(i));
    case 'U8':
      return Int32Array.from(bytes);
    case 'BOOL': {
      for (let i = 0; i < count; i++) {
        if (bytes[i]! > 1) throw fail(fn, `${who}: BOOL byte ${bytes[i]} at index ${i} is neither 0 nor 1.`);
      }
      return owned ? bytes : copyOf(bytes);
    }
  }
}

/** Decodes one tensor's bytes and makes the tensor. @hidden */
export function entryTensor(fn: string, entry: SafetensorsEntry, bytes: Uint8Array, owned: boolean): tf.Tensor {
  const values = decodeEntry(fn, entry, bytes, owned);
  return tf.tensor(values, [...entry.shape], SAFETENSORS_DTYPES[entry.dtype].into);
}
