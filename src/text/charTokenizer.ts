// A character-level tokenizer (as char-rnn and nanoGPT's shakespeare_char use): one token per
// Unicode code point of a fixed vocabulary.
import { invalidField, ValueError } from '../_internal/errors.js';
import type { Tokenizer } from './types.js';

/**
 * A character tokenizer: ids index a fixed, sorted list of code points.
 *
 * @category Text
 */
export interface CharTokenizer extends Tokenizer {
  /** The vocabulary: `vocabulary[id]` is the character of token `id` (one code point each). */
  readonly vocabulary: readonly string[];
  /** The vocabulary as one string, to store and pass back to {@link charTokenizer}. */
  toJSON(): string;
}

const FN = 'charTokenizer';

/**
 * Creates a character tokenizer whose vocabulary is the distinct code points
 * of `text`, sorted by code point (so the same text always gives the same
 * ids). Characters are Unicode code points, so an emoji is one token.
 * `encode` throws on a character outside the vocabulary, naming it and its
 * position; `decode` throws on an id outside `[0, V)`.
 *
 * @param text - Text whose characters form the vocabulary (a corpus, or a saved `toJSON()` string).
 * @returns The tokenizer.
 * @throws {@link ValueError} when `text` is not a non-empty string.
 *
 * @example
 * ```ts
 * import { charTokenizer } from 'tfjs-generative/text';
 * const tok = charTokenizer('hello world');
 * const ids = tok.encode('hello');
 * console.log(tok.vocabSize, ids, tok.decode(ids)); // 8 [3, 2, 4, 4, 5] hello
 * ```
 *
 * @category Text
 */
export function charTokenizer(text: string): CharTokenizer {
  if (typeof text !== 'string' || text.length === 0) throw invalidField(FN, 'text', 'a non-empty string', text);
  const vocabulary = [...new Set(Array.from(text))].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  const index = new Map(vocabulary.map((c, i) => [c, i]));
  return {
    vocabSize: vocabulary.length,
    vocabulary,
    encode(input: string): number[] {
      if (typeof input !== 'string') throw invalidField('CharTokenizer.encode', 'text', 'a string', input);
      const ids: number[] = [];
      let position = 0;
      for (const ch of input) {
        const id = index.get(ch);
        if (id === undefined) {
          throw new ValueError(
            `CharTokenizer.encode: the character ${JSON.stringify(ch)} (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) at position ${position} is not in the vocabulary of ${vocabulary.length} characters.`,
          );
        }
        ids.push(id);
        position++;
      }
      return ids;
    },
    decode(ids: ArrayLike<number>): string {
      let out = '';
      for (let i = 0; i < ids.length; i++) {
        const ch = vocabulary[ids[i]!];
        if (ch === undefined) throw invalidField('CharTokenizer.decode', 'ids', `integers in [0, ${vocabulary.length})`, `${ids[i]} at index ${i}`);
        out += ch;
      }
      return out;
    },
    toJSON: () => vocabulary.join(''),
  };
}
