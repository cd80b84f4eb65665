// A character-level tokenizer (as char-rnn and nanoGPT's shakespeare_char use): one token per
// Unicode code point of a fixed vocabulary.
import { invalidField, ValueError } from '../_internal/errors.js';
import { checkTokenIds } from './_ids.js';
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
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Creates a character tokenizer whose vocabulary is the distinct code points
 * of `text`, sorted by code point (so the same text always gives the same
 * ids). Characters are Unicode code points, so an emoji is one token.
 * `encode` throws on a character outside the vocabulary, naming it and its
 * position; `decode` throws on an id outside `[0, V)`.
 *
 * @param text - Text whose characters form the vocabulary (a corpus, or a saved `toJSON()` string).
 * @returns The tokenizer.
 * @throws {@link ValueError} when `text` is not a non-empty string, or holds a lone surrogate (no character: `toJSON` could not round-trip it).
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
  // A lone surrogate is no character; two adjacent ones in the vocabulary would
  // join into one when toJSON's string is read back, changing the vocabulary.
  const lone = LONE_SURROGATE.exec(text);
  if (lone !== null) {
    throw invalidField(FN, 'text', 'well-formed UTF-16 (no lone surrogate)', `U+${lone[0].charCodeAt(0).toString(16).toUpperCase()} at index ${lone.index}`);
  }
  // Iterated, not `Array.from(text)`: one array entry per character would cost
  // many times the text's size; the set holds at most 1,112,064 code points.
  const characters = new Set<string>();
  for (const ch of text) characters.add(ch);
  const vocabulary = [...characters].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
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
      return checkTokenIds('CharTokenizer.decode', ids, vocabulary.length)
        .map((id) => vocabulary[id]!)
        .join('');
    },
    toJSON: () => vocabulary.join(''),
  };
}
