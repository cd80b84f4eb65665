/**
 * The parts of a {@link buildTransformerLM} model, found by layer name, and
 * its forward pass over new positions with a key/value cache.
 *
 * Legend: t new positions, C width, V vocabulary.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { KeyValueCache } from './_attentionCore.js';
import { LM_LAYER_NAMES } from './buildTransformerLM.js';
import { PositionEmbedding } from './PositionEmbedding.js';
import { TokenEmbedding } from '../layers/TokenEmbedding.js';
import { TransformerBlock } from './TransformerBlock.js';

/** The key/value cache of one attention layer, as the cached forward pass reads and extends it. @hidden */
export type { KeyValueCache };

/** @hidden */
export interface LanguageModelParts {
  embedding: TokenEmbedding;
  positions: PositionEmbedding;
  blocks: TransformerBlock[];
  finalNorm: tfl.layers.Layer;
  /** `null` when the output is tied to the embedding. */
  head: tfl.layers.Layer | null;
}

/** The parts, or `null` when `model` was not built by buildTransformerLM. @hidden */
export function languageModelParts(model: tfl.LayersModel): LanguageModelParts | null {
  const byName = new Map(model.layers.map((l) => [l.name, l]));
  const embedding = byName.get(LM_LAYER_NAMES.tokenEmbedding);
  const positions = byName.get(LM_LAYER_NAMES.positionEmbedding);
  const finalNorm = byName.get(LM_LAYER_NAMES.finalNorm);
  if (!(embedding instanceof TokenEmbedding) || !(positions instanceof PositionEmbedding) || finalNorm === undefined) return null;
  const blocks: TransformerBlock[] = [];
  for (let i = 0; ; i++) {
    const block = byName.get(LM_LAYER_NAMES.block(i));
    if (block === undefined) break;
    if (!(block instanceof TransformerBlock) || !block.causal) return null;
    blocks.push(block);
  }
  if (blocks.length === 0) return null;
  return { embedding, positions, blocks, finalNorm, head: byName.get(LM_LAYER_NAMES.head) ?? null };
}

/**
 * Logits of the last of `ids` (`t` new tokens at positions `start … start+t-1`
 * after the cached ones) and the extended caches. Inference mode.
 * @hidden
 */
export function languageModelStep(
  parts: LanguageModelParts,
  ids: readonly number[],
  start: number,
  caches: readonly KeyValueCache[] | null,
): { logits: tf.Tensor2D; caches: KeyValueCache[] } {
  const t = ids.length;
  const idTensor = tf.tensor2d(ids as number[], [1, t], 'int32');
  let x: tf.Tensor = tf.add(parts.embedding.embed(idTensor), parts.positions.positions(start, t)); // [1, t, C]
  const next: KeyValueCache[] = [];
  parts.blocks.forEach((block, i) => {
    const r = block.forward(x, caches?.[i] ?? null);
    x = r.output;
    next.push(r.cache);
  });
  x = parts.finalNorm.apply(x) as tf.Tensor;
  const logits = parts.head === null ? parts.embedding.project(x) : (parts.head.apply(x) as tf.Tensor); // [1, t, V]
  const v = logits.shape[2]!;
  return { logits: tf.reshape(tf.slice(logits, [0, t - 1, 0], [1, 1, v]), [1, v]), caches: next };
}
