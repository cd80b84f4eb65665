// GPT-2's byte-level BPE tokenizer (Radford et al. 2019): its 50,257-token
// vocabulary and merges come from gpt-tokenizer's r50k_base encoding, which is
// GPT-2's; this file adapts it to the library's Tokenizer and adds a stream decoder.
import { decode as r50kDecode, encode as r50kEncode, vocabularySize } from 'gpt-tokenizer/encoding/r50k_base';
import { invalidField } from '../_internal/errors.js';
import type { ByteStreamDecoder } from './byteTokenizer.js';
import { checkTokenIds } from './_ids.js';
import type { Tokenizer } from './types.js';

/**
 * GPT-2's tokenizer: {@link Tokenizer} plus its end-of-text id and a stream
 * decoder for tokens that split a character.
 *
 * @category Text
 */
export interface GPT2Tokenizer extends Tokenizer {
  /** Id of `<|endoftext|>` (50256), which GPT-2 uses between documents; use it as a stop token. */
  readonly endOfText: number;
  /**
   * A decoder for streaming: feed ids as `generate` draws them; text of a
   * character whose bytes span several tokens is held until it is complete.
   */
  streamDecoder(): ByteStreamDecoder;
}

const NO_SPECIAL = { disallowedSpecial: new Set<string>() };

function checkIds(fn: string, ids: ArrayLike<number>): number[] {
  return checkTokenIds(fn, ids, vocabularySize);
}

/**
 * Creates GPT-2's byte-level BPE tokenizer, exact to the reference encoder
 * (OpenAI's `r50k_base`, which Hugging Face's `GPT2Tokenizer` reproduces):
 * `'Hello, my dog is cute'` → `[15496, 11, 616, 3290, 318, 13779]`. Any text
 * encodes; `<|endoftext|>` written in the text is encoded as ordinary text, and
 * the special token itself is {@link GPT2Tokenizer.endOfText}.
 *
 * @returns The tokenizer (vocabulary 50,257).
 *
 * @example
 * ```ts
 * import { gpt2Tokenizer } from 'tfjs-generative/text';
 * const tok = gpt2Tokenizer();
 * const ids = tok.encode('Hello world');
 * console.log(ids, tok.decode(ids)); // [15496, 995] Hello world
 * ```
 *
 * @category Text
 */
// @__NO_SIDE_EFFECTS__
export function gpt2Tokenizer(): GPT2Tokenizer {
  return {
    vocabSize: vocabularySize,
    endOfText: vocabularySize - 1,
    encode(text: string): number[] {
      if (typeof text !== 'string') throw invalidField('GPT2Tokenizer.encode', 'text', 'a string', text);
      return r50kEncode(text, NO_SPECIAL);
    },
    decode: (ids) => r50kDecode(checkIds('GPT2Tokenizer.decode', ids)),
    streamDecoder() {
      // Tokens are byte sequences; a character may span tokens. Decode what is
      // pending and hold it back while it ends in an incomplete character.
      let pending: number[] = [];
      return {
        decode(ids: ArrayLike<number>): string {
          // concat, not push(...ids): spreading a long list overflows the call stack.
          pending = pending.concat(checkIds('GPT2Tokenizer.streamDecoder', ids));
          const text = r50kDecode(pending);
          if (text.endsWith('\uFFFD') && pending.length < 8) return '';
          pending = [];
          return text;
        },
        flush(): string {
          const text = r50kDecode(pending);
          pending = [];
          return text;
        },
      };
    },
  };
}
