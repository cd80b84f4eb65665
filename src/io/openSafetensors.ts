/**
 * Reading a safetensors file tensor by tensor, for files too large to hold in
 * memory twice: only the header is read up front; each tensor's bytes are read
 * when asked for.
 */
import * as tf from '@tensorflow/tfjs-core';
import { invalidField, ValueError } from '../_internal/errors.js';
import { entryTensor, headerLength, parseHeader, type SafetensorsEntry } from './_safetensorsFormat.js';
import { resolveMaxHeaderBytes, toBytes, type ReadSafetensorsOptions } from './readSafetensors.js';

const FN = 'openSafetensors';

/**
 * A safetensors file opened by {@link openSafetensors}: its header, and its
 * tensors read one at a time.
 *
 * @category IO
 */
export interface SafetensorsFile {
  /** The file's `__metadata__`, `{}` when it has none. */
  readonly metadata: Record<string, string>;
  /** Every tensor's name, dtype, shape and place in the file, in header order. */
  readonly entries: readonly SafetensorsEntry[];
  /** Reads one tensor (the caller owns it). Throws a {@link ValueError} for an unknown name. */
  read(name: string): Promise<tf.Tensor>;
  /**
   * Reads the tensors whose names pass `filter` (all by default), one at a
   * time, so that at most one tensor's bytes are held besides the tensors. On
   * a failure the tensors already read are disposed.
   */
  readAll(filter?: (entry: SafetensorsEntry) => boolean): Promise<Record<string, tf.Tensor>>;
}

/** `owned`: `slice` returns fresh bytes that nobody else holds. */
type ByteSource = { size: number; owned: boolean; slice(begin: number, end: number): Promise<Uint8Array> };

function byteSource(source: unknown): ByteSource {
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return { size: source.size, owned: true, slice: async (b, e) => new Uint8Array(await source.slice(b, e).arrayBuffer()) };
  }
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const bytes = toBytes(FN, 'source', source);
    return { size: bytes.length, owned: false, slice: async (b, e) => bytes.subarray(b, e) };
  }
  throw invalidField(FN, 'source', 'a Blob (a browser File, or Node\'s fs.openAsBlob(path)), a Uint8Array or an ArrayBuffer', source);
}

/**
 * Opens a safetensors file and reads its header, leaving the tensors on disk
 * (or in the `Blob`) until asked for. Use it for large checkpoints: reading
 * GPT-2 medium's 1.5 GB tensor by tensor holds the tensors and one tensor's
 * bytes, never the file twice. In Node, pass `await fs.openAsBlob(path)`; in a
 * browser, a `File` from an `<input type="file">` or a fetched `Blob`.
 *
 * The header is validated in full before this resolves, as
 * {@link readSafetensors} does.
 *
 * @param source - The file: a `Blob`, or its bytes.
 * @param options - See {@link ReadSafetensorsOptions}.
 * @returns The opened file.
 *
 * @example
 * ```ts
 * import { openAsBlob } from 'node:fs';
 * import { openSafetensors } from 'tfjs-generative/io';
 * const file = await openSafetensors(await openAsBlob('model.safetensors'));
 * console.log(file.entries.map((e) => `${e.name} ${e.dtype} [${e.shape}]`));
 * const tensors = await file.readAll();
 * ```
 *
 * @category IO
 */
export async function openSafetensors(source: Blob | Uint8Array | ArrayBuffer, options?: ReadSafetensorsOptions): Promise<SafetensorsFile> {
  const file = byteSource(source);
  const maxHeaderBytes = resolveMaxHeaderBytes(FN, options);
  const n = headerLength(FN, await file.slice(0, Math.min(8, file.size)), file.size, maxHeaderBytes);
  const header = parseHeader(FN, await file.slice(8, 8 + n), file.size);
  const byName = new Map(header.entries.map((e) => [e.name, e]));

  const read = async (name: string): Promise<tf.Tensor> => {
    const entry = byName.get(name);
    if (entry === undefined) {
      throw new ValueError(`${FN}: no tensor named ${JSON.stringify(name)} in the file (it has ${header.entries.length}).`);
    }
    return entryTensor(FN, entry, await file.slice(entry.byteOffset, entry.byteOffset + entry.byteLength), file.owned);
  };

  const readAll = async (filter?: (entry: SafetensorsEntry) => boolean): Promise<Record<string, tf.Tensor>> => {
    if (filter !== undefined && typeof filter !== 'function') throw invalidField(FN, 'filter', 'a function', filter);
    const tensors: Record<string, tf.Tensor> = {};
    try {
      for (const entry of header.entries) {
        if (filter === undefined || filter(entry)) tensors[entry.name] = await read(entry.name);
      }
    } catch (error) {
      tf.dispose(Object.values(tensors));
      throw error;
    }
    return tensors;
  };

  return { metadata: header.metadata, entries: header.entries, read, readAll };
}
