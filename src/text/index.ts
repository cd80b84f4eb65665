/**
 * Tokenizers for language models: `charTokenizer` (code points of a text,
 * sorted vocabulary, serializable) and `byteTokenizer` (UTF-8 bytes, with a
 * stream decoder for token-by-token output).
 *
 * ```ts
 * import { charTokenizer } from 'tfjs-generative/text';
 * ```
 *
 * Everything here is also exported from `tfjs-generative`.
 *
 * @module tfjs-generative/text
 */
export { byteTokenizer, type ByteStreamDecoder, type ByteTokenizer } from './byteTokenizer.js';
export { charTokenizer, type CharTokenizer } from './charTokenizer.js';
export type { Tokenizer } from './types.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
export { gpt2Tokenizer, type GPT2Tokenizer } from './gpt2Tokenizer.js';
