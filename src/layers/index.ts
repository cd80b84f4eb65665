export { LayerNorm, layerNorm, type LayerNormArgs } from './LayerNorm.js';
export { TokenEmbedding, tokenEmbedding, type TokenEmbeddingArgs } from './TokenEmbedding.js';
export type { Initializer, InitializerName, LayerArgs } from './types.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
