export { byteTokenizer, type ByteTokenizer } from './byteTokenizer.js';
export { charTokenizer, type CharTokenizer } from './charTokenizer.js';
export type { Tokenizer } from './types.js';
