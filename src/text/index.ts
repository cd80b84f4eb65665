export { byteTokenizer, type ByteStreamDecoder, type ByteTokenizer } from './byteTokenizer.js';
export { charTokenizer, type CharTokenizer } from './charTokenizer.js';
export type { Tokenizer } from './types.js';
