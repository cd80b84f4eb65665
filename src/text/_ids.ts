/**
 * The one check of token ids every tokenizer's `decode` makes: an array-like
 * of integers in `[0, vocabSize)`, read element by element before anything
 * is allocated for it (an object claiming a length of 1e12 fails at its first
 * missing element, not in an allocation).
 */
import { invalidField } from '../_internal/errors.js';

/**
 * Checks `ids` and returns them as a new array.
 * @hidden
 */
export function checkTokenIds(fn: string, ids: unknown, vocabSize: number): number[] {
  const list = ids as ArrayLike<unknown> | null;
  if (list === null || typeof list !== 'object' || typeof list.length !== 'number' || !Number.isSafeInteger(list.length) || list.length < 0) {
    throw invalidField(fn, 'ids', 'an array of token ids', ids);
  }
  const out: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const id = list[i];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw invalidField(fn, 'ids', `integers in [0, ${vocabSize})`, `${typeof id === 'number' ? id : describeId(id)} at index ${i}`);
    }
    out.push(id);
  }
  return out;
}

function describeId(id: unknown): string {
  if (typeof id === 'string') return id.length > 20 ? `${id.slice(0, 20)}…` : id;
  if (typeof id === 'bigint') return `${id}n`;
  return id === null ? 'null' : typeof id;
}
