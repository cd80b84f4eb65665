/**
 * Generic layers that several families use: `LayerNorm` (last-axis layer
 * normalization with a fast gradient) and `TokenEmbedding` (an embedding that
 * trains on every backend and ties to the output layer), with the shared
 * argument types `LayerArgs`, `Initializer` and `InitializerName`.
 *
 * ```ts
 * import { layerNorm, tokenEmbedding } from 'tfjs-generative/layers';
 * ```
 *
 * `tfjs-generative/attention` re-exports them, and everything here is also
 * exported from `tfjs-generative`.
 *
 * @module tfjs-generative/layers
 */
export { LayerNorm, layerNorm, type LayerNormArgs } from './LayerNorm.js';
export { TokenEmbedding, tokenEmbedding, type TokenEmbeddingArgs } from './TokenEmbedding.js';
export type { Initializer, InitializerName, LayerArgs } from './types.js';
export { NonFiniteLossError, NotImplementedError, ValueError } from '../errors.js';
