/**
 * Attention and transformer language models: `scaledDotProductAttention`,
 * the `MultiHeadAttention` layer (Keras' interface, checked against PyTorch),
 * `TransformerBlock`, `PositionEmbedding`, `sinusoidalPositionEncoding` and
 * `buildTransformerLM`, a GPT-style decoder. `LayerNorm` and `TokenEmbedding`
 * live in `tfjs-generative/layers` and are re-exported here.
 *
 * ```ts
 * import { buildTransformerLM, multiHeadAttention } from 'tfjs-generative/attention';
 * ```
 *
 * Train a language model with `trainLanguageModel` (`tfjs-generative/training`)
 * and generate from it with `generate` (`tfjs-generative/sampling`). Guide:
 * "Attention and language models". Everything here is also exported from
 * `tfjs-generative`.
 *
 * @module tfjs-generative/attention
 */
export { buildTransformerLM, type TransformerLMConfig } from './buildTransformerLM.js';
export {
  MultiHeadAttention,
  multiHeadAttention,
  type MultiHeadAttentionArgs,
  type MultiHeadAttentionCallOptions,
} from './MultiHeadAttention.js';
export { PositionEmbedding, positionEmbedding, type PositionEmbeddingArgs } from './PositionEmbedding.js';
export {
  scaledDotProductAttention,
  type ScaledDotProductAttentionOptions,
  type ScaledDotProductAttentionResult,
} from './scaledDotProductAttention.js';
export { sinusoidalPositionEncoding, type SinusoidalPositionEncodingOptions } from './sinusoidalPositionEncoding.js';
export {
  TransformerBlock,
  transformerBlock,
  type TransformerActivation,
  type TransformerBlockArgs,
} from './TransformerBlock.js';
// The generic layers and their types live in `tfjs-generative/layers`; they are
// re-exported here so that imports from `tfjs-generative/attention` keep working.
export {
  LayerNorm,
  layerNorm,
  TokenEmbedding,
  tokenEmbedding,
  type Initializer,
  type InitializerName,
  type LayerArgs,
  type LayerNormArgs,
  type TokenEmbeddingArgs,
} from '../layers/index.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
export { loadGPT2, type LoadGPT2Options } from './loadGPT2.js';
export { exportGPT2, type ExportGPT2Options } from './exportGPT2.js';
