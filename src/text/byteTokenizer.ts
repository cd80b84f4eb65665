// A byte-level tokenizer: the UTF-8 bytes of the text, 256 tokens (as ByT5, Xue et al. 2021,
// https://arxiv.org/abs/2105.13626, without its special tokens).
import { invalidField } from '../_internal/errors.js';
import { checkTokenIds } from './_ids.js';
import type { Tokenizer } from './types.js';

/**
 * Decodes a stream of byte tokens as they come (see {@link ByteTokenizer.streamDecoder}).
 *
 * @category Text
 */
export interface ByteStreamDecoder {
  /** Text of these bytes; bytes of a character not yet complete are held for the next call. */
  decode(ids: ArrayLike<number>): string;
  /** Text of the bytes still held (U+FFFD for an incomplete character); ends the stream. */
  flush(): string;
}

/**
 * A byte tokenizer, which can also decode a stream token by token.
 *
 * @category Text
 */
export interface ByteTokenizer extends Tokenizer {
  /**
   * A decoder for streaming: feed ids as they come; bytes of a character
   * split across calls are held until the character is complete.
   */
  streamDecoder(): ByteStreamDecoder;
}

/**
 * Creates a byte tokenizer: token ids are the UTF-8 bytes of the text
 * (vocabulary 256), so any text can be encoded. `decode` replaces invalid
 * UTF-8 (which a model may produce) with U+FFFD.
 *
 * @returns The tokenizer.
 *
 * @example
 * ```ts
 * import { byteTokenizer } from 'tfjs-generative/text';
 * const tok = byteTokenizer();
 * const ids = tok.encode('né');
 * console.log(ids, tok.decode(ids)); // [110, 195, 169] né
 * ```
 *
 * @category Text
 */
// @__NO_SIDE_EFFECTS__
export function byteTokenizer(): ByteTokenizer {
  const encoder = new TextEncoder();
  const toBytes = (ids: ArrayLike<number>, fn: string): Uint8Array => Uint8Array.from(checkTokenIds(fn, ids, 256));
  return {
    vocabSize: 256,
    encode(text: string): number[] {
      if (typeof text !== 'string') throw invalidField('ByteTokenizer.encode', 'text', 'a string', text);
      return Array.from(encoder.encode(text));
    },
    decode: (ids) => new TextDecoder().decode(toBytes(ids, 'ByteTokenizer.decode')),
    streamDecoder() {
      const decoder = new TextDecoder();
      return {
        decode: (ids: ArrayLike<number>) => decoder.decode(toBytes(ids, 'ByteTokenizer.streamDecoder'), { stream: true }),
        flush: () => decoder.decode(),
      };
    },
  };
}
