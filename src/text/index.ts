export { byteTokenizer, type ByteStreamDecoder, type ByteTokenizer } from './byteTokenizer.js';
export { charTokenizer, type CharTokenizer } from './charTokenizer.js';
export type { Tokenizer } from './types.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
export { gpt2Tokenizer, type GPT2Tokenizer } from './gpt2Tokenizer.js';
