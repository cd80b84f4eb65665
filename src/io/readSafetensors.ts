/**
 * Reading a whole safetensors file held in memory. For files too large to hold
 * twice (the bytes and the tensors), {@link openSafetensors} reads tensor by
 * tensor from a `Blob`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalidField } from '../_internal/errors.js';
import { checkPositiveInt } from '../_internal/validate.js';
import { entryTensor, DEFAULT_MAX_HEADER_BYTES, headerLength, parseHeader } from './_safetensorsFormat.js';

const FN = 'readSafetensors';

/**
 * Options of {@link readSafetensors} and {@link openSafetensors}.
 *
 * @category IO
 */
export interface ReadSafetensorsOptions {
  /** Largest JSON header accepted, in bytes; a guard against hostile files. Defaults to `100_000_000` (the reference implementation's limit). */
  maxHeaderBytes?: number;
}

/**
 * What {@link readSafetensors} returns.
 *
 * @category IO
 */
export interface SafetensorsContents {
  /** Every tensor of the file, by name. The caller owns (and disposes) them. */
  tensors: Record<string, tf.Tensor>;
  /** The file's `__metadata__` (string to string), `{}` when it has none. */
  metadata: Record<string, string>;
}

/** @hidden */
export function toBytes(fn: string, field: string, bytes: unknown): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw invalidField(fn, field, 'a Uint8Array or an ArrayBuffer', bytes);
}

/** @hidden */
export function resolveMaxHeaderBytes(fn: string, options: ReadSafetensorsOptions | undefined): number {
  if (options !== undefined && (options === null || typeof options !== 'object')) throw invalidField(fn, 'options', 'an object', options);
  return options?.maxHeaderBytes === undefined ? DEFAULT_MAX_HEADER_BYTES : checkPositiveInt(fn, 'maxHeaderBytes', options.maxHeaderBytes);
}

/**
 * Reads a safetensors file (Hugging Face's weight format) into tensors.
 *
 * `F32`, `F16`, `BF16` (and `F64`) become float32 tensors, exactly for all but
 * F64; `I32`, `I16`, `I8`, `U16`, `U8`, and `I64` when every value fits, become
 * int32; `BOOL` becomes bool. The whole file is validated before any tensor is
 * made: the header length against the file, well-formed JSON, every dtype and
 * shape, every offset inside the data with no overlap and no gap, and shape ×
 * dtype size equal to each tensor's byte length. Errors are {@link ValueError}s
 * naming the tensor. If a tensor fails to decode (an I64 value out of int32's
 * range), the tensors already made are disposed.
 *
 * @param bytes - The whole file.
 * @param options - See {@link ReadSafetensorsOptions}.
 * @returns The tensors by name, and the metadata.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { readSafetensors, writeSafetensors } from 'tfjs-generative/io';
 * const bytes = writeSafetensors({ 'w': tf.ones([2, 3]) }, { format: 'pt' });
 * const { tensors, metadata } = readSafetensors(bytes);
 * console.log(tensors['w']!.shape, metadata); // [2, 3] { format: 'pt' }
 * ```
 *
 * @category IO
 */
export function readSafetensors(bytes: Uint8Array | ArrayBuffer, options?: ReadSafetensorsOptions): SafetensorsContents {
  const file = toBytes(FN, 'bytes', bytes);
  const maxHeaderBytes = resolveMaxHeaderBytes(FN, options);
  const n = headerLength(FN, file, file.length, maxHeaderBytes);
  const header = parseHeader(FN, file.subarray(8, 8 + n), file.length);
  const tensors: Record<string, tf.Tensor> = {};
  try {
    for (const entry of header.entries) {
      tensors[entry.name] = entryTensor(FN, entry, file.subarray(entry.byteOffset, entry.byteOffset + entry.byteLength), false);
    }
  } catch (error) {
    tf.dispose(Object.values(tensors));
    throw error;
  }
  return { tensors, metadata: header.metadata };
}
