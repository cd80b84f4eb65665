export { buildTransformerLM, type TransformerLMConfig } from './buildTransformerLM.js';
export {
  MultiHeadAttention,
  multiHeadAttention,
  type MultiHeadAttentionArgs,
  type MultiHeadAttentionCallOptions,
} from './MultiHeadAttention.js';
export { LayerNorm, layerNorm, type LayerNormArgs } from './LayerNorm.js';
export { PositionEmbedding, positionEmbedding, type PositionEmbeddingArgs } from './PositionEmbedding.js';
export {
  scaledDotProductAttention,
  type ScaledDotProductAttentionOptions,
  type ScaledDotProductAttentionResult,
} from './scaledDotProductAttention.js';
export { sinusoidalPositionEncoding, type SinusoidalPositionEncodingOptions } from './sinusoidalPositionEncoding.js';
export { TokenEmbedding, tokenEmbedding, type TokenEmbeddingArgs } from './TokenEmbedding.js';
export {
  TransformerBlock,
  transformerBlock,
  type TransformerActivation,
  type TransformerBlockArgs,
} from './TransformerBlock.js';
export type { LayerArgs } from './_layerTypes.js';
export type { Initializer, InitializerName } from '../_internal/initializers.js';
