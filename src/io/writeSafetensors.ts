/** Writing tensors as a safetensors file (Hugging Face's weight format). */
import * as tf from '@tensorflow/tfjs-core';
import { invalidField, ValueError } from '../_internal/errors.js';
import { LITTLE_ENDIAN } from './_safetensorsFormat.js';

const FN = 'writeSafetensors';

const WRITTEN = { float32: { dtype: 'F32', bytes: 4 }, int32: { dtype: 'I32', bytes: 4 }, bool: { dtype: 'BOOL', bytes: 1 } } as const;

/**
 * Writes tensors as a safetensors file: float32 as `F32`, int32 as `I32`, bool
 * as `BOOL`, little-endian. Tensors are laid out by element size, then by name
 * (as the reference implementation orders them, so every tensor is aligned),
 * and the header is padded with spaces to a multiple of 8 bytes. The bytes are
 * exact: `readSafetensors(writeSafetensors(t)).tensors` equals `t` bit for bit.
 *
 * The tensors' values are read synchronously (`dataSync`); on a GPU backend,
 * prefer reading large models after `await tf.ready()` outside a render loop.
 *
 * @param tensors - Tensors by name (any names but `__metadata__`). They stay the caller's.
 * @param metadata - Optional `__metadata__` (string to string), e.g. `{ format: 'pt' }`.
 * @returns The file's bytes.
 *
 * @example
 * ```ts
 * import * as tf from '@tensorflow/tfjs-core';
 * import { writeSafetensors } from 'tfjs-generative/io';
 * const bytes = writeSafetensors({ 'fc.weight': tf.zeros([4, 2]) });
 * console.log(bytes.length); // 8 + header + 32
 * ```
 *
 * @category IO
 */
export function writeSafetensors(tensors: Record<string, tf.Tensor>, metadata?: Record<string, string>): Uint8Array<ArrayBuffer> {
  if (tensors === null || typeof tensors !== 'object' || Array.isArray(tensors)) throw invalidField(FN, 'tensors', 'an object of tensors by name', tensors);
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) throw invalidField(FN, 'metadata', 'an object of strings', metadata);
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== 'string') throw invalidField(FN, `metadata.${key}`, 'a string', value);
    }
  }
  if (!LITTLE_ENDIAN) throw new ValueError(`${FN}: big-endian platforms are not supported.`);
  const items = Object.entries(tensors).map(([name, t]) => {
    if (name === '__metadata__') throw new ValueError(`${FN}: the name \`__metadata__\` is reserved by the format; rename that tensor.`);
    if (!(t instanceof tf.Tensor)) throw invalidField(FN, `tensors[${JSON.stringify(name)}]`, 'a tf.Tensor', t);
    if (t.isDisposed) throw new ValueError(`${FN}: invalid \`tensors[${JSON.stringify(name)}]\`: the tensor has been disposed.`);
    if (!Object.hasOwn(WRITTEN, t.dtype)) throw invalidField(FN, `tensors[${JSON.stringify(name)}].dtype`, 'float32, int32 or bool', t.dtype);
    return { name, tensor: t, ...WRITTEN[t.dtype as keyof typeof WRITTEN] };
  });
  items.sort((a, b) => b.bytes - a.bytes || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const header: Record<string, unknown> = {};
  if (metadata !== undefined) header['__metadata__'] = { ...metadata };
  let offset = 0;
  for (const item of items) {
    const length = item.tensor.size * item.bytes;
    header[item.name] = { dtype: item.dtype, shape: item.tensor.shape, data_offsets: [offset, offset + length] };
    offset += length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, padded % 2 ** 32, true);
  view.setUint32(4, Math.floor(padded / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);

  let at = 8 + padded;
  for (const item of items) {
    const values = item.tensor.dataSync();
    if (item.dtype === 'BOOL') {
      out.set(values as Uint8Array, at);
    } else {
      // The format is little-endian, as typed arrays are on every platform tfjs runs on.
      out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
    }
    at += item.tensor.size * item.bytes;
  }
  return out;
}
