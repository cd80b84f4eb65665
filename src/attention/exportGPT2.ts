/** Writing a GPT-2-shaped language model back in Hugging Face's checkpoint layout. */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { invalidField, ValueError } from '../_internal/errors.js';
import { checkLayersModel } from '../_internal/validate.js';
import { gpt2Pairs, gpt2TensorName } from './_gpt2Layout.js';
import { LM_LAYER_NAMES } from './buildTransformerLM.js';

const FN = 'exportGPT2';

/**
 * Options of {@link exportGPT2}.
 *
 * @category Attention
 */
export interface ExportGPT2Options {
  /** Write newer `GPT2LMHeadModel` names (`transformer.h.0…` and `lm_head.weight`) instead of the original ones (`h.0…`). Defaults to `false`. */
  transformerPrefix?: boolean;
}

/**
 * The weights of a GPT-2-shaped model under Hugging Face GPT-2's names, the
 * inverse of {@link loadGPT2}: write them with `writeSafetensors` and
 * `GPT2LMHeadModel.from_pretrained` (or {@link loadGPT2}) reads them.
 *
 * The model must compute what GPT-2 computes: built by {@link loadGPT2}, or by
 * {@link buildTransformerLM} with `activation: 'geluTanh'` and tied
 * embeddings (the defaults otherwise match: biases, LayerNorm ε 1e-5).
 *
 * @param model - The language model.
 * @param options - See {@link ExportGPT2Options}.
 * @returns New tensors by GPT-2 name (the caller owns them).
 * @throws {@link ValueError} when the model is not GPT-2-shaped (another
 *   activation, an untied output layer, blocks without biases).
 *
 * @example
 * ```ts
 * import { buildTransformerLM, exportGPT2, writeSafetensors } from 'tfjs-generative';
 * const lm = buildTransformerLM({ vocabSize: 64, contextLength: 32, modelDim: 32, numHeads: 2, numLayers: 2, activation: 'geluTanh' });
 * const bytes = writeSafetensors(exportGPT2(lm), { format: 'pt' });
 * console.log(bytes.length);
 * ```
 *
 * @category Attention
 */
export function exportGPT2(model: tfl.LayersModel, options: ExportGPT2Options = {}): Record<string, tf.Tensor> {
  checkLayersModel(FN, 'model', model);
  if (options === null || typeof options !== 'object') throw invalidField(FN, 'options', 'an object', options);
  const prefix = options.transformerPrefix ?? false;
  if (typeof prefix !== 'boolean') throw invalidField(FN, 'transformerPrefix', 'a boolean', prefix);
  const names = new Set(model.layers.map((l) => l.name));
  if (!names.has(LM_LAYER_NAMES.tokenEmbedding) || !names.has(LM_LAYER_NAMES.finalNorm)) {
    throw new ValueError(`${FN}: invalid \`model\`: expected a model built by buildTransformerLM or loadGPT2.`);
  }
  if (names.has(LM_LAYER_NAMES.head)) throw new ValueError(`${FN}: the model has an untied output layer; GPT-2 ties its output to the token embedding.`);
  let numLayers = 0;
  while (names.has(LM_LAYER_NAMES.block(numLayers))) numLayers++;
  for (let i = 0; i < numLayers; i++) {
    const config = model.getLayer(LM_LAYER_NAMES.block(i)).getConfig() as { activation?: unknown; useBias?: unknown; layerNormEpsilon?: unknown };
    if (config.activation !== 'geluTanh') throw new ValueError(`${FN}: block ${i} uses the ${String(config.activation)} activation; GPT-2 uses 'geluTanh'.`);
    if (config.useBias === false) throw new ValueError(`${FN}: block ${i} has no biases; GPT-2's layers have biases.`);
  }
  const numHeads = model.getLayer(LM_LAYER_NAMES.block(0)).weights.find((w) => (w.originalName ?? w.name).endsWith('attention/query/kernel'))?.shape[1];
  if (numHeads === undefined || numHeads === null) throw new ValueError(`${FN}: the model has no transformer block.`);

  const out: Record<string, tf.Tensor> = {};
  const fused = new Map<string, tf.Tensor[]>();
  for (const pair of gpt2Pairs(model, numLayers, numHeads)) {
    const name = gpt2TensorName(pair.gpt2);
    const value = tf.tidy(() => tf.clone(pair.fromModel(pair.variable.read())));
    if (name === pair.gpt2) out[name] = value;
    else fused.set(name, [...(fused.get(name) ?? []), value]);
  }
  for (const [name, parts] of fused) {
    // Query, key and value side by side, as c_attn holds them.
    out[name] = tf.concat(parts, parts[0]!.rank - 1);
    tf.dispose(parts);
  }
  if (!prefix) return out;
  const renamed: Record<string, tf.Tensor> = {};
  for (const [name, t] of Object.entries(out)) renamed[`transformer.${name}`] = t;
  renamed['lm_head.weight'] = tf.clone(out['wte.weight']!);
  return renamed;
}
